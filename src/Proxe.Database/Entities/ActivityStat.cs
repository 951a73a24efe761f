namespace Proxe.Database.Entities;

/// <summary>
/// A row of activity_stats: how many leads were active on the channel on the UTC day <see cref="Start"/> with
/// <see cref="Prev"/> their previous active day there (null: none). The distinct leads of whole days [d0, d1) are the
/// sum over Start in [d0, d1) with Prev null or before d0.
/// </summary>
public sealed class ActivityStat
{
    public string Brand { get; set; } = "";
    public string Channel { get; set; } = "";
    public DateOnly Start { get; set; }
    public DateOnly? Prev { get; set; }
    public long Leads { get; set; }
}
