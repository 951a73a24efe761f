namespace Proxe.Database.Entities;

/// <summary>A row of activity_stats_changes: leads newly active for a key of activity_stats, until proxe_compact_stats() moves them.</summary>
public sealed class ActivityStatChange
{
    public string Brand { get; set; } = "";
    public string Period { get; set; } = "";
    public DateOnly Start { get; set; }
    public string Channel { get; set; } = "";
    public int Leads { get; set; }
}
