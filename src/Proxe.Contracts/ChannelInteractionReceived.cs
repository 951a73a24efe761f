using System.Text.Json;

namespace Proxe.Contracts;

/// <summary>
/// One customer contact (message, call event, engagement) accepted by the gateway.
/// Never rename; add fields only. InteractionId is deterministic (brand + channel + external event id), so a
/// provider retry is the same interaction. Published in an <see cref="InteractionsReceived"/>; alone (with the
/// interaction id as MessageId) only by earlier versions and for a culprit on its way to _error.
/// </summary>
public record ChannelInteractionReceived
{
    public required Guid InteractionId { get; init; }
    public required string Channel { get; init; }
    public required string Brand { get; init; }
    public required string ExternalEventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required CustomerInfo Customer { get; init; }

    /// <summary>The channel session's natural key: external_session_id, whatsapp_contact_id, call_sid or platform user id.</summary>
    public required string SessionKey { get; init; }

    public InteractionMessage? Message { get; init; }
    public WebDetail? Web { get; init; }
    public WhatsAppDetail? WhatsApp { get; init; }
    public VoiceDetail? Voice { get; init; }
    public SocialDetail? Social { get; init; }
}

public record CustomerInfo
{
    public string? Name { get; init; }
    public string? Email { get; init; }

    /// <summary>The phone as the provider sent it.</summary>
    public string? Phone { get; init; }

    /// <summary>Digits only, country code first (libphonenumber with the brand's default region).</summary>
    public string? PhoneNormalized { get; init; }

    /// <summary>One of <see cref="Platforms"/>; with PlatformUserId it forms an identity.</summary>
    public string? Platform { get; init; }
    public string? PlatformUserId { get; init; }
    public string? Username { get; init; }

    /// <summary>WhatsApp business-scoped user id (user_id), sent beside or instead of wa_id.</summary>
    public string? BusinessScopedUserId { get; init; }
}

public record InteractionMessage
{
    public required string Sender { get; init; }
    public string? Content { get; init; }
    public string Type { get; init; } = "text";
    public JsonElement? Metadata { get; init; }
}

public record WebDetail
{
    public string? ExternalSessionId { get; init; }
    public string? ChatSessionId { get; init; }
    public string? WebsiteUrl { get; init; }
    public string? BookingStatus { get; init; }
    public DateOnly? BookingDate { get; init; }
    public TimeOnly? BookingTime { get; init; }
    public string? GoogleEventId { get; init; }
    public string? ConversationSummary { get; init; }
    public string? UserInputsSummary { get; init; }
    public string? SessionStatus { get; init; }
    public JsonElement? ChannelData { get; init; }
}

public record WhatsAppDetail
{
    public string? BusinessAccountId { get; init; }
    public string? PhoneNumberId { get; init; }
    public string? ContactId { get; init; }
    public string? ConversationSummary { get; init; }
    public JsonElement? ConversationContext { get; init; }
    public string? UserInputsSummary { get; init; }
    public string? ConversationStatus { get; init; }
    public string? OverallSentiment { get; init; }

    /// <summary>Set for a statuses[] receipt (sent, delivered, read, failed); such an event carries no Message.</summary>
    public WhatsAppDeliveryStatus? DeliveryStatus { get; init; }
    public JsonElement? ChannelData { get; init; }
}

public record WhatsAppDeliveryStatus
{
    public required string MessageId { get; init; }
    public required string Status { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorTitle { get; init; }
}

public record VoiceDetail
{
    public required string CallSid { get; init; }

    /// <summary>The brand's number involved in the call.</summary>
    public string? PhoneNumber { get; init; }
    public string? CallDirection { get; init; }
    public string? CallStatus { get; init; }
    public int? CallDurationSeconds { get; init; }

    /// <summary>Twilio's SequenceNumber of a status callback; orders callbacks that arrive out of order.</summary>
    public int? SequenceNumber { get; init; }
    public string? RecordingUrl { get; init; }
    public string? Transcription { get; init; }
    public string? CallSummary { get; init; }
    public string? Sentiment { get; init; }
    public JsonElement? ConversationContext { get; init; }
    public string? UserInputsSummary { get; init; }
    public string? AudioQuality { get; init; }
    public JsonElement? ChannelData { get; init; }
}

public record SocialDetail
{
    public required string Platform { get; init; }
    public required string PlatformUserId { get; init; }
    public string? PlatformUsername { get; init; }

    /// <summary>dm, comment, story_reply, story_mention, ...</summary>
    public string? EngagementType { get; init; }
    public string? ContentId { get; init; }
    public string? EngagementPreview { get; init; }
    public string? ConversationSummary { get; init; }
    public JsonElement? ConversationContext { get; init; }
    public string? UserInputsSummary { get; init; }
    public string? Sentiment { get; init; }
    public string? EngagementQuality { get; init; }
    public JsonElement? ChannelData { get; init; }
}

/// <summary>
/// Interactions of one channel in one message, as gateways before <see cref="InteractionsReceived"/> published them;
/// still consumed from the channel's queue, so messages published before an upgrade are recorded. Its MessageId is its
/// own; each interaction keeps its deterministic id, so a copy published twice records nothing twice. A worker that
/// cannot record one of them publishes that one alone as <see cref="ChannelInteractionReceived"/>, so the _error queue
/// still holds single interactions.
/// </summary>
public record ChannelInteractionsReceived
{
    public required string Channel { get; init; }
    public required IReadOnlyList<ChannelInteractionReceived> Interactions { get; init; }
}

/// <summary>
/// Interactions of any channels that the gateway accepted together (a request, or requests published at the same moment):
/// one broker message instead of one per channel, to the workers' interactions queue, which records each channel's share
/// in that channel's transactions. Its MessageId is its own; each interaction keeps its deterministic id, so a copy
/// published twice records nothing twice. A worker that cannot record one of them publishes that one alone as
/// <see cref="ChannelInteractionReceived"/> to its channel's queue, so each channel's _error queue holds its single interactions.
/// </summary>
public record InteractionsReceived
{
    public required IReadOnlyList<ChannelInteractionReceived> Interactions { get; init; }
}
