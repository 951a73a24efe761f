using System.Text.Json;

namespace Proxe.Gateway.Providers.WebWidget;

/// <summary>
/// What the PROXe web widget posts to /webhooks/web (snake_case). One post carries the session's current state
/// (visitor, booking, summaries) and the chat messages since the last post.
/// </summary>
public sealed record WebWidgetEvent
{
    /// <summary>The brand configured in the gateway; its web widget secret signs the post.</summary>
    public string? Brand { get; init; }

    /// <summary>Optional id for a post without messages; without it the body's SHA-256 is the event id.</summary>
    public string? EventId { get; init; }

    public WebVisitor? Visitor { get; init; }

    /// <summary>The widget's session id; the natural key of the web session. Required.</summary>
    public string? ExternalSessionId { get; init; }
    public string? ChatSessionId { get; init; }
    public string? WebsiteUrl { get; init; }
    public WebBooking? Booking { get; init; }
    public string? ConversationSummary { get; init; }
    public string? UserInputsSummary { get; init; }
    public string? SessionStatus { get; init; }

    /// <summary>When the state changed; defaults to the signed X-Proxe-Timestamp.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
    public IReadOnlyList<WebChatMessage>? Messages { get; init; }

    /// <summary>Anything else the widget wants kept on the session (page, referrer, utm tags...).</summary>
    public JsonElement? ChannelData { get; init; }
}

/// <summary>id is the widget's visitor id (a cookie); name, email and phone as the visitor typed them.</summary>
public sealed record WebVisitor(string? Id, string? Name, string? Email, string? Phone);

/// <summary>date "2026-12-01", time "15:30" or "15:30:00".</summary>
public sealed record WebBooking(string? Status, DateOnly? Date, TimeOnly? Time, string? GoogleEventId);

/// <summary>sender: customer, agent or system; type defaults to "text"; sent_at defaults to the post's time.</summary>
public sealed record WebChatMessage(string? Id, string? Sender, string? Content, string? Type, DateTimeOffset? SentAt, JsonElement? Metadata);
