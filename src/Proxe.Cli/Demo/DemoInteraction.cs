using System.Text.Json;
using System.Text.Json.Serialization;
using Proxe.Contracts;

namespace Proxe.Cli.Demo;

/// <summary>
/// One body of POST /v1/interactions, built from the contract's own records so the demo posts exactly the shape the
/// gateway reads (it refuses unknown fields).
/// </summary>
public sealed record DemoInteraction
{
    public required string Brand { get; init; }
    public required string Channel { get; init; }
    public required string ExternalEventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required CustomerInfo Customer { get; init; }
    public InteractionMessage? Message { get; init; }
    public WebDetail? Web { get; init; }

    [JsonPropertyName("whatsapp")] // not whats_app
    public WhatsAppDetail? WhatsApp { get; init; }

    public VoiceDetail? Voice { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
