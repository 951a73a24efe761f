using Proxe.Contracts;
using Proxe.Workers.Interactions;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

public sealed class LeadIdentityTests
{
    [Fact]
    public void An_interaction_yields_its_identities_normalized_strongest_first()
    {
        var interaction = WhatsApp("b", "919876543210", "wamid.x", T0, Text("hi")) with
        {
            Customer = new CustomerInfo
            {
                Phone = "+91 98765-43210", PhoneNormalized = "919876543210", Email = " John@Example.COM ", Platform = Platforms.WhatsApp, PlatformUserId = "919876543210",
                BusinessScopedUserId = "IN.13491208655302741918",
            },
        };

        Assert.Equal(
            [new("phone", "919876543210"), new("email", "john@example.com"), new("whatsapp", "919876543210"), new("whatsapp", "IN.13491208655302741918")],
            LeadIdentity.Of(interaction));
    }

    [Fact]
    public void A_raw_phone_the_gateway_did_not_normalize_is_no_identity()
    {
        // The gateway leaves PhoneNormalized empty for an invalid or placeholder number: its digits identify no one.
        var interaction = Web("b", "visitor-session-8", "m1", T0, new CustomerInfo { Phone = "0000000000", Email = "a@b.example" }, Text("hello"));

        Assert.Equal([new("email", "a@b.example"), new("web_visitor", "visitor-session-8")], LeadIdentity.Of(interaction));
    }

    [Fact]
    public void A_web_chat_without_phone_or_email_is_known_by_its_session()
    {
        var interaction = Web("b", "visitor-session-7", "m1", T0, new CustomerInfo(), Text("hello"));

        Assert.Equal([new("web_visitor", "visitor-session-7")], LeadIdentity.Of(interaction));
    }

    [Fact]
    public void An_Instagram_user_is_known_by_the_platform_id()
    {
        var interaction = Social("b", Platforms.Instagram, "1129842642640637", "mid.1", T0, new CustomerInfo(), Text("oi"));

        Assert.Equal([new("instagram", "1129842642640637")], LeadIdentity.Of(interaction));
    }
}
