namespace Proxe.Database.Entities;

/// <summary>A row of lead_activity (migration 006): the lead had a message on the channel on the UTC day <see cref="Start"/>.</summary>
public sealed class LeadActivity
{
    public string Brand { get; set; } = "";
    public DateOnly Start { get; set; }
    public string Channel { get; set; } = "";
    public Guid LeadId { get; set; }
}
