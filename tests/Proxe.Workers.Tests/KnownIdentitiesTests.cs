using Proxe.Workers.Interactions;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>A batch's identity sightings become one upsert row per identity, with what the rows one by one would have written.</summary>
public sealed class KnownIdentitiesTests
{
    static readonly LeadIdentity Phone = new(LeadIdentity.Phone, "919800011111");
    static readonly LeadIdentity Email = new(LeadIdentity.Email, "ann@example.com");
    static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), Owner = Guid.NewGuid();

    [Fact]
    public void Sightings_of_an_identity_on_its_owner_merge_and_those_on_other_leads_are_dropped()
    {
        var known = new KnownIdentities();
        known.Attach("b", [Phone], Owner); // stored already, on another lead

        known.Sighted("b", [Phone, Email], A, T0.AddMinutes(5));
        known.Sighted("b", [Phone], Owner, T0.AddMinutes(9));
        known.Sighted("b", [Email], B, T0.AddMinutes(1));
        known.Sighted("b", [Phone], Owner, T0.AddMinutes(2));
        known.Sighted("b", [Email], A, T0.AddMinutes(3));

        var rows = known.TakeSightings().ToDictionary(row => row.Identity);
        Assert.Equal((Owner, T0.AddMinutes(2), T0.AddMinutes(9)), (rows[Phone].LeadId, rows[Phone].FirstSeen, rows[Phone].LastSeen));
        Assert.Equal((A, T0.AddMinutes(3), T0.AddMinutes(5)), (rows[Email].LeadId, rows[Email].FirstSeen, rows[Email].LastSeen));
        Assert.Equal(A, known.Find("b", [Email]));
        Assert.Empty(known.TakeSightings());
    }

    [Fact]
    public void A_new_lead_that_turns_out_to_be_an_existing_one_hands_it_its_identities_and_sightings()
    {
        var known = new KnownIdentities();
        var interaction = WhatsApp("b", "919800011111", "wamid.known-1", T0, Text("hi"));
        var created = known.Create(interaction);
        known.Sighted("b", [Phone, Email], created, T0);

        Assert.Equal([(created, interaction)], known.TakeCreated());
        Assert.Empty(known.TakeCreated());
        known.Replace(created, Owner);

        Assert.Equal(Owner, known.Find("b", [Email]));
        Assert.All(known.TakeSightings(), row => Assert.Equal(Owner, row.LeadId));
    }
}
