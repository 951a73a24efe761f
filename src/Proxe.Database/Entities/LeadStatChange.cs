namespace Proxe.Database.Entities;

/// <summary>A row of lead_stats_changes: +1 / -1 for a key of lead_stats, appended by the all_leads triggers until proxe_compact_stats() moves it.</summary>
public sealed class LeadStatChange
{
    public string Brand { get; set; } = "";
    public DateOnly? Day { get; set; }
    public string FirstTouchpoint { get; set; } = "";
    public string LastTouchpoint { get; set; } = "";
    public string[] Journey { get; set; } = [];
    public int Leads { get; set; }
}
