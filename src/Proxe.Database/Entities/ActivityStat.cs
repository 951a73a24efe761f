namespace Proxe.Database.Entities;

/// <summary>A row of activity_stats: the distinct leads active on a channel in one UTC day or week (the lead_activity rows of that key).</summary>
public sealed class ActivityStat
{
    public string Brand { get; set; } = "";
    public string Period { get; set; } = "";
    public DateOnly Start { get; set; }
    public string Channel { get; set; } = "";
    public long Leads { get; set; }
}
