namespace Proxe.Database.Entities;

/// <summary>A row of lead_activity: the lead had a message on the channel in the UTC day or week (Monday) starting on <see cref="Start"/>.</summary>
public sealed class LeadActivity
{
    public string Brand { get; set; } = "";

    /// <summary>day or week.</summary>
    public string Period { get; set; } = "";
    public DateOnly Start { get; set; }
    public string Channel { get; set; } = "";
    public Guid LeadId { get; set; }
}
