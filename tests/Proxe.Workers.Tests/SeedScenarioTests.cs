using Proxe.Contracts;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The three data flows of the seed spec, checked through unified_leads and the message journey.</summary>
public sealed class SeedScenarioTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    [Fact]
    public async Task WhatsApp_only_customer_starts_and_stays_on_WhatsApp()
    {
        var brand = Brand("seed1");
        await host.RecordAsync(WhatsApp(brand, "919876543210", "wamid.1", T0, Text("Hi, is the 2BHK still available?"), name: "John"));

        var lead = await UnifiedLeadAsync(brand);
        Assert.Equal(("whatsapp", "whatsapp", "John", "919876543210"), ((string)lead["first_touchpoint"]!, (string)lead["last_touchpoint"]!, (string)lead["name"]!, (string)lead["phone"]!));
        Assert.Equal(["whatsapp"], await MetadataChannelsAsync(brand));
        Assert.Equal([("whatsapp", "customer", "Hi, is the 2BHK still available?")], await JourneyAsync(brand));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT message_count FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task Web_first_then_WhatsApp_keeps_web_as_origin()
    {
        var brand = Brand("seed2");
        var john = Person("+919876543210", "John", "john@example.com");
        await host.RecordAsync(
            Web(brand, "web-s1", "web-m1", T0, john, Text("I want to book a site visit"),
                new WebDetail { ExternalSessionId = "web-s1", BookingStatus = "pending", BookingDate = new DateOnly(2025, 3, 8), ConversationSummary = "wants a visit" }),
            Web(brand, "web-s1", "web-m2", T0.AddMinutes(1), john, Text("Booked for Saturday", Senders.Agent),
                new WebDetail { ExternalSessionId = "web-s1", BookingStatus = "confirmed", BookingTime = new TimeOnly(11, 0) }));
        await host.RecordAsync(WhatsApp(brand, "919876543210", "wamid.2", T0.AddDays(1), Text("Can I bring my parents?")));

        var lead = await UnifiedLeadAsync(brand);
        Assert.Equal(("web", "whatsapp", "John", "john@example.com"), ((string)lead["first_touchpoint"]!, (string)lead["last_touchpoint"]!, (string)lead["name"]!, (string)lead["email"]!));
        Assert.Equal(T0.AddDays(1), (DateTime)lead["last_interaction_at"]!);
        Assert.Equal(["web", "whatsapp"], await MetadataChannelsAsync(brand));
        Assert.Equal(
            [("web", "customer", "I want to book a site visit"), ("web", "agent", "Booked for Saturday"), ("whatsapp", "customer", "Can I bring my parents?")],
            await JourneyAsync(brand));

        var web = await host.RowAsync("SELECT booking_status, booking_date, booking_time, conversation_summary, message_count FROM web_sessions WHERE brand = @brand", ("brand", brand));
        Assert.Equal("confirmed", web["booking_status"]);
        Assert.Equal(new DateOnly(2025, 3, 8), web["booking_date"]);
        Assert.Equal(new TimeOnly(11, 0), web["booking_time"]);
        Assert.Equal("wants a visit", web["conversation_summary"]);
        Assert.Equal(2, web["message_count"]);

        var context = await host.ScalarAsync<string>("SELECT unified_context::text FROM all_leads WHERE brand = @brand", ("brand", brand));
        using var json = System.Text.Json.JsonDocument.Parse(context);
        Assert.Equal(["web", "whatsapp"], json.RootElement.GetProperty("journey").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(2, json.RootElement.GetProperty("channels").GetProperty("web").GetProperty("interactions").GetInt32());
        Assert.Equal("wants a visit", json.RootElement.GetProperty("channels").GetProperty("web").GetProperty("latest_summary").GetString());
        Assert.Equal("confirmed", json.RootElement.GetProperty("booking").GetProperty("status").GetString());
        Assert.Equal("2025-03-08", json.RootElement.GetProperty("booking").GetProperty("date").GetString());
        Assert.True(json.RootElement.GetProperty("cross_channel").GetBoolean());
    }

    [Fact]
    public async Task Voice_first_then_web_then_WhatsApp_shows_all_three_channels()
    {
        var brand = Brand("seed3");
        var crossChannel = await host.ListenAsync<LeadBecameCrossChannel>();
        await host.RecordAsync(Voice(brand, "CA-seed3", "CA-seed3:start", T0, "+919876543210", Text("Call started", Senders.System), status: "in-progress"));
        await host.RecordAsync(Web(brand, "web-s3", "web-m3", T0.AddHours(1), Person("+91 98765 43210", "John"), Text("Following up on my call")));
        await host.RecordAsync(WhatsApp(brand, "919876543210", "wamid.3", T0.AddHours(2), Text("Sent you the documents")));

        var lead = await UnifiedLeadAsync(brand);
        Assert.Equal(("voice", "whatsapp", "919876543210"), ((string)lead["first_touchpoint"]!, (string)lead["last_touchpoint"]!, (string)lead["phone"]!));
        Assert.Equal(["voice", "web", "whatsapp"], await MetadataChannelsAsync(brand));
        Assert.Equal(
            [("voice", "system", "Call started"), ("web", "customer", "Following up on my call"), ("whatsapp", "customer", "Sent you the documents")],
            await JourneyAsync(brand));
        // The dashboard's journey column: the channels' first times the channel transactions noted, taken with the journey's saves.
        Assert.Equal(["voice", "web", "whatsapp"], await host.ScalarAsync<string[]>("SELECT journey FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM lead_channel_firsts WHERE brand = @brand", ("brand", brand)));

        // Announced once, when web joined voice; WhatsApp later does not announce again.
        await host.Broker.WaitForQueueDepthAsync(crossChannel, 1);
        var message = Assert.Single(await host.Broker.PeekMessagesAsync(crossChannel, 50), m => m.Payload.Contains(brand));
        using var envelope = System.Text.Json.JsonDocument.Parse(message.Payload);
        var announcement = envelope.RootElement.GetProperty("message");
        Assert.Equal("voice", announcement.GetProperty("firstChannel").GetString());
        Assert.Equal("web", announcement.GetProperty("newChannel").GetString());
        Assert.Equal(["voice", "web"], announcement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
    }

    Task<Dictionary<string, object?>> UnifiedLeadAsync(string brand) =>
        host.RowAsync("SELECT * FROM unified_leads WHERE brand = @brand", ("brand", brand));

    async Task<List<string>> MetadataChannelsAsync(string brand) =>
        (await host.RowsAsync("SELECT jsonb_object_keys(metadata) AS channel FROM unified_leads WHERE brand = @brand ORDER BY 1", ("brand", brand)))
        .Select(row => (string)row["channel"]!).ToList();

    async Task<List<(string, string, string)>> JourneyAsync(string brand) =>
        (await host.RowsAsync("SELECT channel, sender, content FROM messages WHERE brand = @brand ORDER BY occurred_at", ("brand", brand)))
        .Select(row => ((string)row["channel"]!, (string)row["sender"]!, (string)row["content"]!)).ToList();
}
