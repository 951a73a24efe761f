using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Contracts;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>At-least-once delivery, concurrency and ordering: what the broker can do to us.</summary>
public sealed class DeliveryTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    [Fact]
    public async Task Journey_events_of_the_shapes_earlier_versions_published_are_still_taken()
    {
        var brand = Brand("legacy");
        var first = Web(brand, "web-l1", "web-l1-m1", T0, Person("+14155550170", "Lia"), Text("Hello"));
        await host.RecordAsync(first);
        var leadId = await host.ScalarAsync<Guid>("SELECT id FROM all_leads WHERE brand = @brand", ("brand", brand));
        LeadInteractionRecorded Event(string channel, int minutes) => new()
        {
            LeadId = leadId, InteractionId = Guid.NewGuid(), Brand = brand, Channel = channel, OccurredAt = T0.AddMinutes(minutes), HasMessage = true,
        };
        var (one, ofLead) = (Event(Channels.Voice, 1), Event(Channels.WhatsApp, 2));

        var bus = host.Factory.Services.GetRequiredService<IBus>();
        await bus.Publish(one);
        await bus.Publish(new LeadInteractionsRecorded { LeadId = leadId, Brand = brand, Interactions = [ofLead] });
        await host.WaitForJourneyAsync(one.InteractionId);
        await host.WaitForJourneyAsync(ofLead.InteractionId);

        Assert.Equal("whatsapp", await host.ScalarAsync<string>("SELECT last_touchpoint FROM all_leads WHERE id = @id", ("id", leadId)));
        Assert.Equal(["web", "voice", "whatsapp"], await host.ScalarAsync<string[]>("SELECT channels FROM lead_journeys WHERE correlation_id = @id", ("id", leadId)));
    }

    [Fact]
    public async Task The_same_interaction_delivered_five_times_is_recorded_once()
    {
        var brand = Brand("redeliver");
        var interaction = Web(brand, "web-r1", "web-r1-m1", T0, Person("+14155550100", "Ann"), Text("Hello"),
            new WebDetail { ExternalSessionId = "web-r1", ConversationSummary = "greeting" });

        for (var i = 0; i < 5; i++)
            await host.PublishAsync(interaction);
        // Five commits, and five journey events seen by the journey (each one saves it: version 5).
        await WorkerHost.WaitUntilAsync("five deliveries were handled", async () => host.Crash.Commits(interaction.InteractionId) == 5
            && await host.ScalarAsync<long>("SELECT count(*) FROM lead_journeys WHERE brand = @brand AND version = 5", ("brand", brand)) == 1);

        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT message_count FROM web_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1, await host.ScalarAsync<int>(
            "SELECT (unified_context #>> '{channels,web,interactions}')::int FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(0u, await host.Broker.GetQueueDepthAsync("web-interactions_error"));
    }

    [Fact]
    public async Task Forty_concurrent_interactions_of_one_new_phone_over_four_channels_make_one_lead()
    {
        var brand = Brand("race");
        const string phone = "+447700900123";
        const string digits = "447700900123";
        var crossChannel = await host.ListenAsync<LeadBecameCrossChannel>();
        var interactions = Enumerable.Range(0, 40).Select(i =>
        {
            var at = T0.AddSeconds(i);
            var text = Text($"message {i}");
            return (i % 4) switch
            {
                0 => Web(brand, "web-race", $"web-{i}", at, Person(phone, "Race"), text),
                1 => WhatsApp(brand, digits, $"wamid.race.{i}", at, text),
                2 => Voice(brand, $"CA-race-{i % 3}", $"CA-race-{i}", at, phone, text),
                _ => Social(brand, Platforms.Instagram, "ig-race", $"mid.race.{i}", at, Person(phone), text),
            };
        }).ToList();
        // The newest one (i = 39) is social; publish it first so arrival order and time order disagree.
        interactions.Reverse();

        await host.PublishAsync([.. interactions]);
        await host.WaitForJourneyCountAsync(brand, 40);

        var lead = await host.RowAsync("SELECT id, first_touchpoint, last_touchpoint, last_interaction_at FROM all_leads WHERE brand = @brand", ("brand", brand));
        Assert.Equal("social", lead["last_touchpoint"]);
        Assert.Equal(T0.AddSeconds(39), (DateTime)lead["last_interaction_at"]!);
        Assert.Equal(40L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand AND lead_id = @lead", ("brand", brand), ("lead", lead["id"]!)));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM lead_identities WHERE brand = @brand AND lead_id <> @lead", ("brand", brand), ("lead", lead["id"]!)));
        Assert.Equal(10, await host.ScalarAsync<int>("SELECT message_count FROM web_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(10, await host.ScalarAsync<int>("SELECT message_count FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(10, await host.ScalarAsync<int>("SELECT engagement_count FROM social_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM voice_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal("CrossChannel", await host.ScalarAsync<string>("SELECT current_state FROM lead_journeys WHERE brand = @brand", ("brand", brand)));

        await host.Broker.WaitForQueueDepthAsync(crossChannel, 1);
        Assert.Single(await host.Broker.PeekMessagesAsync(crossChannel, 50), m => m.Payload.Contains(brand));
    }

    [Fact]
    public async Task An_older_interaction_processed_after_a_newer_one_does_not_move_the_touchpoint_back()
    {
        var brand = Brand("order");
        var person = Person("+12025550147", "Olga");
        await host.RecordAsync(Web(brand, "web-o1", "web-o1-m1", T0, person, Text("first contact")));
        await host.RecordAsync(WhatsApp(brand, "12025550147", "wamid.newer", T0.AddMinutes(10), Text("newer")));
        await host.RecordAsync(Voice(brand, "CA-older", "CA-older:1", T0.AddMinutes(5), "+12025550147", Text("older call", Senders.System)));

        var lead = await host.RowAsync("SELECT first_touchpoint, last_touchpoint, last_interaction_at FROM all_leads WHERE brand = @brand", ("brand", brand));
        Assert.Equal("web", lead["first_touchpoint"]);
        Assert.Equal("whatsapp", lead["last_touchpoint"]);
        Assert.Equal(T0.AddMinutes(10), (DateTime)lead["last_interaction_at"]!);
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task A_lead_created_by_a_newer_event_keeps_its_touchpoint_when_the_journey_first_sees_an_older_one()
    {
        var brand = Brand("order2");
        await host.RecordAsync(WhatsApp(brand, "12025550148", "wamid.n", T0.AddHours(1), Text("newer")));
        await host.RecordAsync(Web(brand, "web-o2", "web-o2-m1", T0, Person("+12025550148"), Text("older")));

        var lead = await host.RowAsync("SELECT last_touchpoint, last_interaction_at FROM all_leads WHERE brand = @brand", ("brand", brand));
        Assert.Equal("whatsapp", lead["last_touchpoint"]);
        Assert.Equal(T0.AddHours(1), (DateTime)lead["last_interaction_at"]!);
    }

    [Fact]
    public async Task A_backlogged_channel_delivered_late_still_makes_the_earliest_interaction_the_first_touchpoint()
    {
        var brand = Brand("backlog");
        var leads = Enumerable.Range(10, 20).Select(i => (WaId: $"9198450700{i}", Phone: $"+9198450700{i}")).ToList();
        // WhatsApp flows while the web queue lags: each customer's later WhatsApp message is recorded first...
        var whatsApp = leads.Select((lead, i) => WhatsApp(brand, lead.WaId, $"wamid.backlog.{i}", T0.AddMinutes(30 + i), Text("later, on WhatsApp"))).ToArray();
        await host.PublishAsync(whatsApp);
        await host.WaitForJourneyCountAsync(brand, whatsApp.Length);
        // ...then the web backlog arrives, in one go: each customer had started on the web.
        var web = leads.Select((lead, i) => Web(brand, $"web-backlog-{i}", $"web-backlog-{i}", T0.AddMinutes(i), Person(lead.Phone), Text("first, on the web"))).ToArray();
        await host.PublishAsync(web);
        await host.WaitForJourneyCountAsync(brand, whatsApp.Length + web.Length);

        var rows = await host.RowsAsync("SELECT first_touchpoint, first_interaction_at, last_touchpoint, last_interaction_at FROM all_leads WHERE brand = @brand", ("brand", brand));
        Assert.Equal(leads.Count, rows.Count);
        Assert.All(rows, row => Assert.Equal(("web", "whatsapp"), ((string)row["first_touchpoint"]!, (string)row["last_touchpoint"]!)));
        Assert.Equal(web.Select(i => i.OccurredAt.UtcDateTime).Order(), rows.Select(row => (DateTime)row["first_interaction_at"]!).Order());
        Assert.Equal(whatsApp.Select(i => i.OccurredAt.UtcDateTime).Order(), rows.Select(row => (DateTime)row["last_interaction_at"]!).Order());
        Assert.Equal(0u, await host.Broker.GetQueueDepthAsync("web-interactions_error"));
    }

    [Fact]
    public async Task Instagram_DM_then_web_form_with_the_same_email_then_WhatsApp_from_that_phone_is_one_lead()
    {
        var brand = Brand("identity");
        await host.RecordAsync(Social(brand, Platforms.Instagram, "17841400000001", "mid.id.1", T0, Person(email: "Priya@Example.com", name: "Priya"), Text("oi")));
        await host.RecordAsync(Web(brand, "web-id", "web-id-m1", T0.AddHours(1), Person("+91 98450 12345", "Priya S", "priya@example.com"), Text("form submitted")));
        await host.RecordAsync(WhatsApp(brand, "919845012345", "wamid.id.1", T0.AddHours(2), Text("hi from WhatsApp")));

        var lead = await host.RowAsync("SELECT id, first_touchpoint, last_touchpoint, customer_name, customer_phone_normalized, email FROM all_leads WHERE brand = @brand", ("brand", brand));
        Assert.Equal(("social", "whatsapp", "Priya", "919845012345"),
            ((string)lead["first_touchpoint"]!, (string)lead["last_touchpoint"]!, (string)lead["customer_name"]!, (string)lead["customer_phone_normalized"]!));
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand AND lead_id = @lead", ("brand", brand), ("lead", lead["id"]!)));
        var identities = (await host.RowsAsync("SELECT kind || ':' || value AS identity FROM lead_identities WHERE brand = @brand AND lead_id = @lead ORDER BY 1",
            ("brand", brand), ("lead", lead["id"]!))).Select(row => (string)row["identity"]!);
        Assert.Equal(["email:priya@example.com", "instagram:17841400000001", "phone:919845012345", "web_visitor:web-id", "whatsapp:919845012345"], identities);
    }

    [Fact]
    public async Task A_WhatsApp_number_change_keeps_the_customer_on_one_lead()
    {
        var brand = Brand("new-number");
        await host.RecordAsync(WhatsApp(brand, "919845000001", "wamid.old.1", T0, Text("hi")));
        var changed = System.Text.Json.JsonDocument.Parse("""{"system_type":"user_changed_number","new_wa_id":"919845000002"}""").RootElement;
        await host.RecordAsync(WhatsApp(brand, "919845000001", "wamid.old.2", T0.AddMinutes(1),
            new InteractionMessage { Sender = Senders.System, Type = "system", Content = "User A changed from 919845000001 to 919845000002", Metadata = changed }));
        await host.RecordAsync(WhatsApp(brand, "919845000002", "wamid.new.1", T0.AddMinutes(2), Text("it's me, new number")));

        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
        var identities = (await host.RowsAsync("SELECT kind || ':' || value AS identity FROM lead_identities WHERE brand = @brand ORDER BY 1", ("brand", brand)))
            .Select(row => (string)row["identity"]!);
        Assert.Equal(["phone:919845000001", "phone:919845000002", "whatsapp:919845000001", "whatsapp:919845000002"], identities);
    }
}
