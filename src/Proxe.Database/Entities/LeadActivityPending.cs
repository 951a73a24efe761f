namespace Proxe.Database.Entities;

/// <summary>A row of lead_activity_pending: a day of lead_activity that proxe_compact_stats() has not counted in activity_stats yet.</summary>
public sealed class LeadActivityPending
{
    public string Brand { get; set; } = "";
    public DateOnly Start { get; set; }
    public string Channel { get; set; } = "";
    public Guid LeadId { get; set; }
}
