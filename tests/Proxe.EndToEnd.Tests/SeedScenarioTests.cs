using Proxe.Database.Entities;
using Microsoft.EntityFrameworkCore;
using System.Net;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// The seed's three data flows (proxe-multi-touchpoint-schema.md, "Key Data Flows"), each for the seed's customer
/// +91 98765 43210 in a brand of its own, from HTTP to the dashboard's unified_leads view and the message journey.
/// </summary>
public sealed class SeedScenarioTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    const string Phone = "919876543210";

    [Fact]
    public async Task Scenario_1_WhatsApp_only_customer()
    {
        var brand = host.Brand("proxe1");

        var webhook = await host.PostWhatsAppAsync(WhatsAppText(brand, Phone, "John", "wamid.s1.1", T0, "Is the 3 BHK at Lakeview available?"));
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        var reply = await host.PostInteractionsAsync(brand,
            WhatsApp("wamid.s1.2", T0.AddMinutes(1), Customer(phone: "+919876543210"), Phone, Message("Yes! Would you like a site visit?", Senders.Agent)));
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        await host.WaitForJourneyAsync(
            EndToEndHost.InteractionId(brand, Channels.WhatsApp, "wamid.s1.1"), EndToEndHost.InteractionId(brand, Channels.WhatsApp, "wamid.s1.2"));

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("whatsapp", "whatsapp", "John", null, Phone, "proxe1"), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.Name, lead.Email, lead.Phone, lead.Brand));
        Assert.Equal(T0.AddMinutes(1).UtcDateTime, lead.LastInteractionAt);
        Assert.Equal(["whatsapp"], lead.MetadataChannels());
        var whatsApp = lead.Metadata.GetProperty("whatsapp");
        Assert.Equal(1, whatsApp.GetProperty("session_count").GetInt32());
        Assert.Equal(2, whatsApp.GetProperty("message_count").GetInt32());
        Assert.Equal(Phone, whatsApp.GetProperty("whatsapp_contact_id").GetString());
        Assert.Equal("agent", whatsApp.GetProperty("last_message_from").GetString());
        Assert.Equal(60m, whatsApp.GetProperty("response_time_avg_seconds").GetDecimal());

        Assert.Equal(
            ["whatsapp/customer/text: Is the 3 BHK at Lakeview available?", "whatsapp/agent/text: Yes! Would you like a site visit?"],
            (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
    }

    [Fact]
    public async Task Scenario_2_web_first_then_WhatsApp()
    {
        var brand = host.Brand("proxe2");
        var widget = await host.PostWidgetAsync(Widget(brand, "web-s2",
            new { id = "visitor-s2", name = "John", email = "john@example.com", phone = "098765 43210" },
            [("s2-m1", Senders.Customer, "I'd like a site visit on Saturday.", T0), ("s2-m2", Senders.Agent, "Booked: Saturday 11:00.", T0.AddSeconds(5))],
            booking: new { status = "confirmed", date = "2025-06-07", time = "11:00", google_event_id = "evt-s2" },
            summary: "Wants a 3 BHK; site visit booked."));
        Assert.Equal(HttpStatusCode.Accepted, widget.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.Web, "s2-m1"), EndToEndHost.InteractionId(brand, Channels.Web, "s2-m2"));

        var webOnly = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("web", "web"), (webOnly.FirstTouchpoint, webOnly.LastTouchpoint));

        var whatsApp = await host.PostWhatsAppAsync(WhatsAppText(brand, Phone, "John D", "wamid.s2.1", T0.AddHours(1), "Can I bring my parents on Saturday?"));
        Assert.Equal(HttpStatusCode.OK, whatsApp.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.WhatsApp, "wamid.s2.1"));

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(webOnly.Id, lead.Id);
        Assert.Equal(("web", "whatsapp", "John", "john@example.com", Phone), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.Name, lead.Email, lead.Phone));
        Assert.Equal(T0.AddHours(1).UtcDateTime, lead.LastInteractionAt);
        Assert.Equal(["web", "whatsapp"], lead.MetadataChannels());
        var web = lead.Metadata.GetProperty("web");
        Assert.Equal(("web-s2", "confirmed", "2025-06-07", "Wants a 3 BHK; site visit booked.", 2),
            (web.GetProperty("external_session_id").GetString(), web.GetProperty("booking_status").GetString(), web.GetProperty("booking_date").GetString(),
             web.GetProperty("conversation_summary").GetString(), web.GetProperty("message_count").GetInt32()));
        Assert.Equal(1, lead.Metadata.GetProperty("whatsapp").GetProperty("message_count").GetInt32());
        Assert.True(lead.UnifiedContext.GetProperty("cross_channel").GetBoolean());

        Assert.Equal(
            ["web/customer/text: I'd like a site visit on Saturday.", "web/agent/text: Booked: Saturday 11:00.", "whatsapp/customer/text: Can I bring my parents on Saturday?"],
            (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
        Assert.Equal(1L, await host.ReadAsync(db => db.WebSessions.LongCountAsync(s => s.LeadId == lead.Id)));
        Assert.Equal(1L, await host.ReadAsync(db => db.WhatsappSessions.LongCountAsync(s => s.LeadId == lead.Id)));
    }

    [Fact]
    public async Task Scenario_3_voice_first_then_web_then_WhatsApp()
    {
        var brand = host.Brand("proxe3");
        var caller = Customer(phone: "+91 98765 43210");

        await host.PostAndWaitAsync(brand, Channels.Voice, "CA-s3:incoming",
            Voice("CA-s3:incoming", T0, caller, "CA-s3", Message("call started", Senders.System, "call_started"), status: "ringing"));
        await host.PostAndWaitAsync(brand, Channels.Voice, "CA-s3:status:completed",
            Voice("CA-s3:status:completed", T0.AddMinutes(3), caller, "CA-s3", Message("call ended", Senders.System, "call_ended"),
                status: "completed", durationSeconds: 180, transcription: "I want a 3 BHK near the lake."));
        Assert.Equal(("voice", "voice"), Touchpoints(Assert.Single(await host.UnifiedLeadsAsync(brand))));

        await host.PostAndWaitAsync(brand, Channels.Web, "s3-web-1",
            Web("s3-web-1", T0.AddDays(1), Customer("John", "098765 43210", "john@example.com"), "web-s3", Message("Sent the enquiry form.")));
        Assert.Equal(("voice", "web"), Touchpoints(Assert.Single(await host.UnifiedLeadsAsync(brand))));

        await host.PostAndWaitAsync(brand, Channels.WhatsApp, "wamid.s3.1",
            WhatsApp("wamid.s3.1", T0.AddDays(2), Customer(phone: "919876543210"), Phone, Message("Hi, it's John again.")));

        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("voice", "whatsapp", "John", "john@example.com", Phone), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.Name, lead.Email, lead.Phone));
        Assert.Equal(T0.AddDays(2).UtcDateTime, lead.LastInteractionAt);
        Assert.Equal(["voice", "web", "whatsapp"], lead.MetadataChannels());
        var voice = lead.Metadata.GetProperty("voice");
        Assert.Equal(("CA-s3", "completed", 180, 2),
            (voice.GetProperty("call_sid").GetString(), voice.GetProperty("call_status").GetString(),
             voice.GetProperty("call_duration_seconds").GetInt32(), voice.GetProperty("message_count").GetInt32()));
        Assert.Equal(["voice", "web", "whatsapp"], lead.UnifiedContext.GetProperty("journey").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal(
            ["voice/system/call_started: call started", "voice/system/call_ended: call ended", "web/customer/text: Sent the enquiry form.", "whatsapp/customer/text: Hi, it's John again."],
            (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
        Assert.Equal("I want a 3 BHK near the lake.", await host.ReadAsync(db => db.VoiceSessions.Where(s => s.CallSid == "CA-s3").Select(s => s.Transcription).SingleAsync()));
    }

    static (string, string) Touchpoints(UnifiedLead lead) => (lead.FirstTouchpoint, lead.LastTouchpoint);
}
