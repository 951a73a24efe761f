using System.Text.Json;
using Proxe.Contracts;
using Proxe.Domain;

namespace Proxe.Workers.Interactions;

/// <summary>One row of lead_identities: a way to recognise a customer within a brand.</summary>
public readonly record struct LeadIdentity(string Kind, string Value)
{
    public const string Phone = "phone";
    public const string Email = "email";

    /// <summary>When identities point at different leads, the strongest one decides.</summary>
    public int Strength => StrengthOf(Kind);

    public static int StrengthOf(string kind) => kind switch
    {
        Phone => 0,
        Email => 1,
        Platforms.WhatsApp => 2,
        Platforms.Instagram or Platforms.Messenger => 3,
        _ => 4,
    };

    /// <summary>Every identity an interaction carries, strongest first, without duplicates.</summary>
    public static IReadOnlyList<LeadIdentity> Of(ChannelInteractionReceived interaction)
    {
        var customer = interaction.Customer;
        var identities = new List<LeadIdentity>();

        void Add(string kind, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                identities.Add(new LeadIdentity(kind, value.Trim()));
        }

        Add(Phone, NormalizedPhone(customer));
        Add(Email, customer.Email?.Trim().ToLowerInvariant());
        if (Platforms.IsKnown(customer.Platform))
            Add(customer.Platform!, customer.PlatformUserId);
        Add(Platforms.WhatsApp, customer.BusinessScopedUserId);

        switch (interaction.Channel)
        {
            case Channels.WhatsApp:
                Add(Platforms.WhatsApp, interaction.WhatsApp?.ContactId ?? interaction.SessionKey);
                break;
            case Channels.Social when interaction.Social is { } social && Platforms.IsKnown(social.Platform):
                Add(social.Platform, social.PlatformUserId);
                break;
            case Channels.Web when customer.Platform != Platforms.WebVisitor:
                // A widget chat without phone or email is still one visitor: its session key keeps its messages on one lead.
                Add(Platforms.WebVisitor, interaction.Web?.ExternalSessionId ?? interaction.SessionKey);
                break;
        }

        return identities.Distinct().OrderBy(identity => identity.Strength).ToList();
    }

    /// <summary>
    /// A WhatsApp system message from the customer's old number announces the new one (new_wa_id) or a new
    /// business-scoped id (new_user_id): those join the lead the message belongs to, unless another lead has them.
    /// </summary>
    public static IReadOnlyList<LeadIdentity> AnnouncedBy(ChannelInteractionReceived interaction)
    {
        if (interaction is not { Channel: Channels.WhatsApp, Message: { Type: "system", Metadata: { ValueKind: JsonValueKind.Object } metadata } })
            return [];

        var announced = new List<LeadIdentity>();
        if (Text(metadata, "new_wa_id") is { } waId)
        {
            announced.Add(new LeadIdentity(Platforms.WhatsApp, waId));
            // WhatsApp's wa_id is the number itself, country code first: the gateway's rule for a wa_id applies.
            if (Phones.NormalizeVerified(waId) is { } phone)
                announced.Add(new LeadIdentity(Phone, phone));
        }
        if (Text(metadata, "new_user_id") is { } userId)
            announced.Add(new LeadIdentity(Platforms.WhatsApp, userId));
        return announced;
    }

    static string? Text(JsonElement metadata, string name) =>
        JsonFields.Text(metadata, name)?.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>
    /// The gateway sets PhoneNormalized (libphonenumber, the brand's region) only for a valid number that is not a
    /// placeholder; a raw phone alone never identifies a customer.
    /// </summary>
    public static string? NormalizedPhone(CustomerInfo customer) =>
        string.IsNullOrWhiteSpace(customer.PhoneNormalized) ? null : customer.PhoneNormalized.Trim();

    /// <summary>The phone a lead or session stores: as the customer gave it, else the normalized number.</summary>
    public static string? StoredPhone(CustomerInfo customer) => customer.Phone ?? NormalizedPhone(customer);
}
