using System.Text.Json;

namespace Proxe.Dashboard.Leads;

// Init properties rather than positional records: EF Core fills them by name, from LINQ projections and from the
// snake_case columns of Database.SqlQuery.

/// <summary>A unified_leads row (the seed's columns) and the channels in the order the customer used them.</summary>
public record Lead
{
    public Guid Id { get; init; }
    public string Brand { get; init; } = "";
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string FirstTouchpoint { get; init; } = "";
    public string LastTouchpoint { get; init; } = "";
    public DateTime Timestamp { get; init; }

    /// <summary>Provider time of the lead's earliest interaction: "first seen" (Timestamp is when the row was made).</summary>
    public DateTime FirstInteractionAt { get; init; }
    public DateTime? LastInteractionAt { get; init; }
    public string[] Journey { get; init; } = [];

    /// <summary>One object per channel the lead used: session and message counts, the latest session's key fields.</summary>
    public JsonElement Metadata { get; init; }
}

/// <summary>A lead with its unified_context, every session per channel and every identity it is known by.</summary>
public sealed record LeadDetail : Lead
{
    public JsonElement UnifiedContext { get; init; }

    /// <summary>{"web": [...], "whatsapp": [...], "voice": [...], "social": [...]}: whole session rows, oldest first.</summary>
    public JsonElement Sessions { get; init; }

    /// <summary>[{kind, value, first_seen_at, last_seen_at (may trail the latest interaction by under a minute)}]: phone, email, whatsapp, instagram, messenger, web_visitor.</summary>
    public JsonElement Identities { get; init; }
}

public sealed record LeadMessage
{
    public Guid Id { get; init; }
    public string Channel { get; init; } = "";
    public string Sender { get; init; } = "";
    public string? Content { get; init; }
    public string MessageType { get; init; } = "";
    public JsonElement Metadata { get; init; }
    public string ExternalId { get; init; } = "";
    public DateTime OccurredAt { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record LeadFilter(
    string? Phone = null,
    string? Email = null,
    string? FirstTouchpoint = null,
    string? LastTouchpoint = null,
    string? NamePattern = null,
    DateTime? CursorAt = null,
    Guid? CursorId = null,
    int Limit = LeadFilter.DefaultLimit,
    string? Channel = null,
    DateTime? ActiveFrom = null,
    DateTime? ActiveTo = null,
    bool CrossChannel = false)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}
