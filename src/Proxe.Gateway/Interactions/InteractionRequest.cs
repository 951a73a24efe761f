using System.Text.Json;
using System.Text.Json.Serialization;
using Proxe.Contracts;

namespace Proxe.Gateway.Interactions;

/// <summary>
/// One interaction as a client posts it: <see cref="ChannelInteractionReceived"/> without what the gateway sets
/// (interaction_id, received_at, customer.phone_normalized). Everything is nullable so validation can name every missing field.
/// </summary>
public sealed record InteractionRequest
{
    /// <summary>Optional; when present it must be the brand of the X-Proxe-Key.</summary>
    public string? Brand { get; init; }

    /// <summary>web, whatsapp, voice or social.</summary>
    public string? Channel { get; init; }

    /// <summary>The caller's id for this event; the same id posted again is the same interaction.</summary>
    public string? ExternalEventId { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public CustomerInfo? Customer { get; init; }

    /// <summary>The channel session's natural key; derived from the channel detail when omitted.</summary>
    public string? SessionKey { get; init; }
    public InteractionMessageRequest? Message { get; init; }
    public WebDetail? Web { get; init; }
    [JsonPropertyName("whatsapp")] // not whats_app
    public WhatsAppDetail? WhatsApp { get; init; }
    public VoiceDetail? Voice { get; init; }
    public SocialDetail? Social { get; init; }
}

public sealed record InteractionMessageRequest
{
    /// <summary>customer, agent or system.</summary>
    public string? Sender { get; init; }
    public string? Content { get; init; }

    /// <summary>text (default), image, audio, ...</summary>
    public string? Type { get; init; }
    public JsonElement? Metadata { get; init; }
}

/// <summary>A batch: up to 100 interactions, accepted or refused as a whole.</summary>
public sealed record InteractionBatchRequest
{
    public List<InteractionRequest>? Interactions { get; init; }
}

/// <summary>The ids of the accepted interactions, in request order.</summary>
public sealed record InteractionsAccepted(IReadOnlyList<Guid> InteractionIds);
