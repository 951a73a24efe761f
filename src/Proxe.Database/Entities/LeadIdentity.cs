namespace Proxe.Database.Entities;

/// <summary>A row of lead_identities: one way a lead is recognised (phone, email, whatsapp, instagram, messenger, web_visitor).</summary>
public sealed class LeadIdentity
{
    public string Brand { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    public Guid LeadId { get; set; }

    /// <summary>Provider time of the earliest interaction that carried it.</summary>
    public DateTime FirstSeenAt { get; set; }

    /// <summary>Provider time of the latest interaction that carried it; may trail that by less than a minute (the workers move it on by a minute at least).</summary>
    public DateTime LastSeenAt { get; set; }
}
