namespace Proxe.Database.Entities;

/// <summary>A row of lead_stats (migration 006): how many leads of a brand were first seen on a UTC day with this first / last touchpoint and journey.</summary>
public sealed class LeadStat
{
    public string Brand { get; set; } = "";

    /// <summary>UTC date of first_interaction_at.</summary>
    public DateOnly? Day { get; set; }
    public string FirstTouchpoint { get; set; } = "";
    public string LastTouchpoint { get; set; } = "";
    public string[] Journey { get; set; } = [];
    public long Leads { get; set; }
}
