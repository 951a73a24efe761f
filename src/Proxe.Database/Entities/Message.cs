using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of messages: append-only, unique per (brand, channel, external_id).</summary>
public sealed class Message
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public string Brand { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Sender { get; set; } = "";
    public string? Content { get; set; }
    public string MessageType { get; set; } = "";
    public JsonElement Metadata { get; set; }
    public string ExternalId { get; set; } = "";

    /// <summary>Provider time; timelines sort by it. CreatedAt is insert time.</summary>
    public DateTime OccurredAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
