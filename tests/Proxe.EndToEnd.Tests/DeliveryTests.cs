using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>Retries, races, late events and identities, all through HTTP: what callers and the broker can do to the pipeline.</summary>
public sealed class DeliveryTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    [Fact]
    public async Task The_same_interaction_posted_five_times_is_one_message_counted_once()
    {
        var brand = host.Brand("redeliver");
        var body = Web("web-r1-m1", T0, Customer("Ann", "+1 415 555 0100"), "web-r1", Message("Hello"), summary: "greeting");
        var id = EndToEndHost.InteractionId(brand, Channels.Web, "web-r1-m1");

        for (var i = 0; i < 5; i++)
        {
            var response = await host.PostInteractionsAsync(brand, body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal([id], (await response.Content.ReadFromJsonAsync<Accepted>(EndToEndHost.Json))!.InteractionIds);
        }
        // Every delivery went all the way through the worker and the journey before anything is counted.
        await EndToEndHost.WaitForAsync($"five deliveries of {id} were committed and journeyed",
            () => Task.FromResult((Commits: host.Probe.Commits(id), Journey: host.Probe.JourneyHandled(id))), seen => seen == (5, 5));

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(["web/customer/text: Hello"], (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
        Assert.Equal(1, await host.ReadAsync(db => db.WebSessions.Where(s => s.Brand == brand.Name).Select(s => s.MessageCount).SingleAsync()));
        Assert.Equal(1, lead.Metadata.GetProperty("web").GetProperty("message_count").GetInt32());
        var web = lead.UnifiedContext.GetProperty("channels").GetProperty("web");
        Assert.Equal((1, 1), (web.GetProperty("interactions").GetInt32(), web.GetProperty("messages").GetInt32()));
        Assert.Equal(0u, await host.Broker.GetQueueDepthAsync("web-interactions_error"));
    }

    [Fact]
    public async Task Forty_concurrent_interactions_of_one_new_phone_over_four_channels_make_one_lead()
    {
        var brand = host.Brand("race");
        // One Indian mobile written four ways; the brand's region (IN) makes them one number.
        var interactions = Enumerable.Range(0, 40).Select((string Channel, string EventId, object Body) (i) =>
        {
            var at = T0.AddSeconds(i);
            var message = Message($"message {i}");
            return (i % 4) switch
            {
                0 => (Channels.Web, $"web-race-{i}", Web($"web-race-{i}", at, Customer("Race", "+91 98450 99999"), "web-race", message)),
                1 => (Channels.WhatsApp, $"wamid.race.{i}", WhatsApp($"wamid.race.{i}", at, Customer(phone: "919845099999"), "919845099999", message)),
                2 => (Channels.Voice, $"CA-race-{i}", Voice($"CA-race-{i}", at, Customer(phone: "098450 99999"), $"CA-race-{i % 3}", message)),
                _ => (Channels.Social, $"mid.race.{i}", Social($"mid.race.{i}", at, Customer(phone: "+91-98450-99999"), "instagram", "ig-race", message)),
            };
        }).Reverse().ToList();

        var responses = await Task.WhenAll(interactions.Select(interaction => host.PostInteractionsAsync(brand, interaction.Body)));
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        await host.WaitForJourneyAsync([.. interactions.Select(i => EndToEndHost.InteractionId(brand, i.Channel, i.EventId))]);

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        // i = 39 is the newest, and 39 % 4 = 3: social.
        Assert.Equal(("social", "919845099999", T0.AddSeconds(39).UtcDateTime), (lead.LastTouchpoint, lead.Phone, lead.LastInteractionAt));
        Assert.Equal(["social", "voice", "web", "whatsapp"], lead.MetadataChannels());
        var messages = await host.JourneyAsync(lead.Id);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"message {i}"), messages.Select(m => m.Content));
        Assert.Equal(40L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => m.Brand == brand.Name)));
        Assert.Equal(0L, await host.ReadAsync(db => db.LeadIdentities.LongCountAsync(i => i.Brand == brand.Name && i.LeadId != lead.Id)));
    }

    [Fact]
    public async Task An_older_interaction_processed_after_a_newer_one_does_not_move_the_touchpoint_back()
    {
        var brand = host.Brand("order");
        var person = Customer("Olga", "+1 202 555 0147");
        await host.PostAndWaitAsync(brand, Channels.Web, "web-o-1", Web("web-o-1", T0, person, "web-o", Message("first contact")));
        await host.PostAndWaitAsync(brand, Channels.WhatsApp, "wamid.o.newer",
            WhatsApp("wamid.o.newer", T0.AddMinutes(10), Customer(phone: "+12025550147"), "12025550147", Message("newer")));
        await host.PostAndWaitAsync(brand, Channels.Voice, "CA-o:older",
            Voice("CA-o:older", T0.AddMinutes(5), Customer(phone: "+12025550147"), "CA-o", Message("older call", Senders.System)));

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("web", "whatsapp", T0.AddMinutes(10).UtcDateTime), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.LastInteractionAt));
        Assert.Equal(["web/customer/text: first contact", "voice/system/text: older call", "whatsapp/customer/text: newer"],
            (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
    }

    [Fact]
    public async Task Instagram_DM_then_web_form_with_the_same_email_then_WhatsApp_from_that_phone_stay_one_lead()
    {
        var brand = host.Brand("identity");
        const string igUser = "1129800000000001";
        var leads = new List<Guid>();

        // The DM as Instagram sends it: a platform user id, no phone, no email.
        var dm = await host.PostMetaAsync(InstagramDm(brand, igUser, "mid.identity.1", T0, "oi, do you have 2 BHK flats?"));
        Assert.Equal(HttpStatusCode.OK, dm.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.Social, "mid.identity.1"));
        leads.Add(await SingleLeadAsync(brand));

        // The orchestrator learnt her email in the DM and logs its reply with it.
        await host.PostAndWaitAsync(brand, Channels.Social, "mid.identity.2", Social("mid.identity.2", T0.AddMinutes(1),
            Customer("Priya", email: "Priya@Example.com", platform: "instagram", platformUserId: igUser), "instagram", igUser,
            Message("Thanks Priya, we'll mail you the brochure.", Senders.Agent)));
        leads.Add(await SingleLeadAsync(brand));

        var form = await host.PostWidgetAsync(Widget(brand, "web-identity",
            new { id = "visitor-identity", name = "Priya S", email = "priya@example.com", phone = "+91 98450 12345" },
            [("web-identity-1", Senders.Customer, "Enquiry form submitted.", T0.AddHours(1))]));
        Assert.Equal(HttpStatusCode.Accepted, form.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.Web, "web-identity-1"));
        leads.Add(await SingleLeadAsync(brand));

        var whatsApp = await host.PostWhatsAppAsync(WhatsAppText(brand, "919845012345", "Priya", "wamid.identity.1", T0.AddHours(2), "Hi from WhatsApp"));
        Assert.Equal(HttpStatusCode.OK, whatsApp.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.WhatsApp, "wamid.identity.1"));
        leads.Add(await SingleLeadAsync(brand));

        Assert.Single(leads.Distinct());
        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("social", "whatsapp", "Priya", "919845012345"), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.Name, lead.Phone));
        Assert.Equal(4, (await host.JourneyAsync(lead.Id)).Count);
        var identities = await host.ReadAsync(db => db.LeadIdentities.Where(i => i.LeadId == lead.Id)
            .Select(i => i.Kind + ":" + i.Value).OrderBy(identity => identity).ToListAsync());
        Assert.Equal(["email:priya@example.com", $"instagram:{igUser}", "phone:919845012345", "web_visitor:visitor-identity", "whatsapp:919845012345"], identities);
    }

    async Task<Guid> SingleLeadAsync(TestBrand brand) =>
        Assert.Single(await host.ReadAsync(db => db.Leads.Where(l => l.Brand == brand.Name).Select(l => l.Id).ToListAsync()));


    /// <summary>An Instagram messaging webhook with one DM; Meta's timestamps are in milliseconds.</summary>
    static byte[] InstagramDm(TestBrand brand, string userId, string mid, DateTimeOffset at, string text) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @object = "instagram",
        entry = new[]
        {
            new
            {
                time = at.ToUnixTimeMilliseconds(),
                id = brand.InstagramAccountId,
                messaging = new[]
                {
                    new
                    {
                        sender = new { id = userId },
                        recipient = new { id = brand.InstagramAccountId },
                        timestamp = at.ToUnixTimeMilliseconds(),
                        message = new { mid, text },
                    },
                },
            },
        },
    });

    sealed record Accepted(IReadOnlyList<Guid> InteractionIds);
}
