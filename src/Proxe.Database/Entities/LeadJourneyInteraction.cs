namespace Proxe.Database.Entities;

/// <summary>A row of lead_journey_interactions: an interaction the LeadJourney saga has folded into its lead's journey (migration 008).</summary>
public sealed class LeadJourneyInteraction
{
    public Guid LeadId { get; set; }
    public Guid InteractionId { get; set; }
    public string Brand { get; set; } = "";
    public DateTimeOffset FoldedAt { get; set; }
}
