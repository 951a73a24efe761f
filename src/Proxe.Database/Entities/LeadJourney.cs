using System.Text.Json;

namespace Proxe.Database.Entities;

/// <summary>A row of lead_journeys: the LeadJourney saga's state, correlation id = lead id.</summary>
public sealed class LeadJourney
{
    public Guid CorrelationId { get; set; }
    public string Brand { get; set; } = "";
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public string[] Channels { get; set; } = [];
    public DateTime? CrossChannelPublishedAt { get; set; }
    public JsonElement State { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
