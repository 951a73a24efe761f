namespace Proxe.Database.Entities;

/// <summary>A row of lead_identities: one way a lead is recognised (phone, email, whatsapp, instagram, messenger, web_visitor).</summary>
public sealed class LeadIdentity
{
    public string Brand { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    public Guid LeadId { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
