using Proxe.Contracts;
using Proxe.Workers.Interactions;

namespace Proxe.Workers.Journey;

/// <summary>
/// What a lead's interactions in one journey save add to its all_leads row (<see cref="LeadJourneys"/>): a lead first
/// seen without a name, email or phone gets the first ones given, known values are kept, and its normalized phone is the
/// first given that no other lead of the brand has. An interaction that happened before the lead's first one (a lagging
/// queue) becomes its origin: first_touchpoint follows provider time (the trigger of migration 002 allows only that move).
/// Every interaction carrying a normalized phone resolved to the lead that phone identifies, so no two leads of one save
/// can take the same phone. The channel transactions leave this to the journey, whose save updates the row anyway: an
/// update of their own waited while the journey held the row for its batch, holding up that channel.
/// </summary>
public sealed record LeadDetails(string? Name, string? Email, string? Phone, IReadOnlyList<string> NormalizedPhones, DateTimeOffset? FirstAt,
    string? FirstChannel)
{
    /// <summary>
    /// The details of a lead's interactions, in the order they were recorded. Events of earlier versions carry no
    /// customer: only their time counts.
    /// </summary>
    public static LeadDetails Of(IReadOnlyList<LeadInteractionRecorded> interactions)
    {
        var customers = interactions.Select(interaction => interaction.Customer).OfType<CustomerInfo>().ToList();
        var first = interactions.MinBy(interaction => interaction.OccurredAt);
        return new LeadDetails(
            customers.Select(customer => customer.Name).FirstOrDefault(name => name is not null),
            customers.Select(customer => customer.Email).FirstOrDefault(email => email is not null),
            customers.Select(LeadIdentity.StoredPhone).FirstOrDefault(phone => phone is not null),
            customers.Select(LeadIdentity.NormalizedPhone).OfType<string>().Distinct().ToList(),
            first?.OccurredAt,
            first?.Channel);
    }

    /// <summary>
    /// The SET clause's part that applies them, over all_leads l and the save's input i (<see cref="LeadJourneys"/>).
    /// Whether a phone is taken is a scalar subquery, one probe of all_leads_brand_phone_key per phone: as NOT EXISTS the
    /// planner could make it an anti-join that hashes all of the brand's leads for each lead the save fills, as it did
    /// with the statistics of a young table.
    /// </summary>
    public const string Fill = """
        customer_name = coalesce(l.customer_name, i.name),
        email = coalesce(l.email, i.email),
        phone = coalesce(l.phone, i.phone),
        customer_phone_normalized = coalesce(l.customer_phone_normalized,
            (SELECT c.phone FROM jsonb_array_elements_text(i.phones_normalized) WITH ORDINALITY AS c(phone, position)
             WHERE (SELECT o.id FROM all_leads o WHERE o.brand = l.brand AND o.customer_phone_normalized = c.phone LIMIT 1) IS NULL
             ORDER BY c.position LIMIT 1)),
        first_touchpoint = CASE WHEN l.first_interaction_at > i.first_at THEN i.first_channel ELSE l.first_touchpoint END,
        first_interaction_at = least(l.first_interaction_at, i.first_at)
        """;
}
