namespace Proxe.Database.Entities;

/// <summary>
/// A row of lead_channel_firsts: a lead's first time on a channel, noted by a workers' channel transaction until the
/// LeadJourney saga's save merges it into all_leads.channel_first_at (migration 009).
/// </summary>
public sealed class LeadChannelFirst
{
    public Guid LeadId { get; set; }
    public string Channel { get; set; } = "";
    public string Brand { get; set; } = "";
    public DateTimeOffset FirstAt { get; set; }
    public DateTimeOffset NotedAt { get; set; }
}
