using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Proxe.Testing;
using static Proxe.Database.Tests.TestData;

namespace Proxe.Database.Tests;

/// <summary>The seed's three scenarios plus noise, read back through unified_leads and the seed's example queries.</summary>
public class UnifiedLeadsTests(UnifiedLeadsTests.Journeys journeys) : IClassFixture<UnifiedLeadsTests.Journeys>
{
    public sealed class Journeys : IAsyncLifetime
    {
        public PostgresDatabaseFixture Database { get; } = new();
        public Guid VoiceWebWhatsApp { get; private set; }
        public Guid WebThenWhatsApp { get; private set; }
        public Guid WhatsAppOnly { get; private set; }
        public Guid WebOnly { get; private set; }
        public Guid OtherBrandWebThenWhatsApp { get; private set; }

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            await using var db = Database.CreateDbContext();

            // Scenario 3: voice first, then web, then WhatsApp, all from +91 98765 43210.
            VoiceWebWhatsApp = await LeadAsync(db, "proxe", "voice", phone: "+91 98765 43210", name: "John", email: "john@example.test",
                lastTouchpoint: "whatsapp", lastInteractionAt: At(3));
            await VoiceSessionAsync(db, VoiceWebWhatsApp, "proxe", "CA-john");
            await MessageAsync(db, VoiceWebWhatsApp, "proxe", "voice", "call transcript", At(1));
            await WebSessionAsync(db, VoiceWebWhatsApp, "proxe", "web-john-1", At(2, 9), messageCount: 1);
            await WebSessionAsync(db, VoiceWebWhatsApp, "proxe", "web-john-2", At(2, 11), bookingStatus: "booked", messageCount: 2);
            await MessageAsync(db, VoiceWebWhatsApp, "proxe", "web", "I want a demo", At(2, 9));
            await MessageAsync(db, VoiceWebWhatsApp, "proxe", "web", "Tuesday works", At(2, 11));
            await MessageAsync(db, VoiceWebWhatsApp, "proxe", "web", "Booked for Tuesday", At(2, 12), sender: "agent");
            await WhatsAppSessionAsync(db, VoiceWebWhatsApp, "proxe", "919876543210", At(3), messageCount: 1);
            await MessageAsync(db, VoiceWebWhatsApp, "proxe", "whatsapp", "See you Tuesday", At(3));

            // Scenario 2: web first, then WhatsApp.
            WebThenWhatsApp = await LeadAsync(db, "proxe", "web", phone: "919800000002", name: "Asha", lastTouchpoint: "whatsapp");
            await WebSessionAsync(db, WebThenWhatsApp, "proxe", "web-asha", At(4));
            await WhatsAppSessionAsync(db, WebThenWhatsApp, "proxe", "919800000002", At(5));

            // Scenario 1: WhatsApp only.
            WhatsAppOnly = await LeadAsync(db, "proxe", "whatsapp", phone: "919800000003", name: "Ravi");
            await WhatsAppSessionAsync(db, WhatsAppOnly, "proxe", "919800000003", At(6));
            await MessageAsync(db, WhatsAppOnly, "proxe", "whatsapp", "hello", At(6));

            WebOnly = await LeadAsync(db, "proxe", "web", name: "No Phone", email: "nophone@example.test");
            await WebSessionAsync(db, WebOnly, "proxe", "web-nophone", At(7));

            // Same journey shape in another brand: never in brand='proxe' answers.
            OtherBrandWebThenWhatsApp = await LeadAsync(db, "acme", "web", phone: "14155550100", name: "Eve", lastTouchpoint: "whatsapp");
            await WebSessionAsync(db, OtherBrandWebThenWhatsApp, "acme", "web-eve", At(8));
            await WhatsAppSessionAsync(db, OtherBrandWebThenWhatsApp, "acme", "14155550100", At(9));
            await SocialSessionAsync(db, OtherBrandWebThenWhatsApp, "acme", "ig-eve");
        }

        public Task DisposeAsync() => Database.DisposeAsync();
    }


    [Fact]
    public async Task The_view_has_the_seeds_columns_in_order()
    {
        await using var db = journeys.Database.CreateDbContext();

        var columns = await db.Database.SqlQuery<string>(
            $"SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_name = 'unified_leads' ORDER BY ordinal_position")
            .ToListAsync();

        Assert.Equal(
            ["id", "first_touchpoint", "last_touchpoint", "name", "email", "phone", "brand", "timestamp", "metadata",
             "last_interaction_at", "unified_context"],
            columns);
    }

    [Fact]
    public async Task One_row_per_lead_however_many_sessions_and_messages()
    {
        await using var db = journeys.Database.CreateDbContext();

        var ids = await db.UnifiedLeads.Select(u => u.Id).ToListAsync();

        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(await db.Leads.CountAsync(), ids.Count);
    }

    [Fact]
    public async Task Phone_is_the_normalized_phone()
    {
        await using var db = journeys.Database.CreateDbContext();

        var row = await db.UnifiedLeads.Where(u => u.Id == journeys.VoiceWebWhatsApp).Select(u => new { u.Phone, u.Name, u.Brand }).SingleAsync();

        Assert.Equal(new { Phone = (string?)"919876543210", Name = (string?)"John", Brand = "proxe" }, row);
        Assert.Null(await db.UnifiedLeads.Where(u => u.Id == journeys.WebOnly).Select(u => u.Phone).SingleAsync());
    }

    [Fact]
    public async Task Metadata_holds_one_object_per_channel_used()
    {
        await using var db = journeys.Database.CreateDbContext();

        var john = await MetadataAsync(db, journeys.VoiceWebWhatsApp);
        var ravi = await MetadataAsync(db, journeys.WhatsAppOnly);
        var eve = await MetadataAsync(db, journeys.OtherBrandWebThenWhatsApp);

        Assert.Equal(["voice", "web", "whatsapp"], Channels(john).Order(StringComparer.Ordinal));
        Assert.Equal(["whatsapp"], Channels(ravi));
        Assert.Equal(["social", "web", "whatsapp"], Channels(eve).Order(StringComparer.Ordinal));

        var web = john.GetProperty("web");
        Assert.Equal(2, web.GetProperty("session_count").GetInt32());
        Assert.Equal(3, web.GetProperty("message_count").GetInt32());
        Assert.Equal("web-john-2", web.GetProperty("external_session_id").GetString());
        Assert.Equal("booked", web.GetProperty("booking_status").GetString());

        var voice = john.GetProperty("voice");
        Assert.Equal(1, voice.GetProperty("session_count").GetInt32());
        Assert.Equal(1, voice.GetProperty("message_count").GetInt32());
        Assert.Equal("CA-john", voice.GetProperty("call_sid").GetString());
        Assert.Equal("completed", voice.GetProperty("call_status").GetString());

        var whatsapp = john.GetProperty("whatsapp");
        Assert.Equal(1, whatsapp.GetProperty("message_count").GetInt32());
        Assert.Equal("919876543210", whatsapp.GetProperty("whatsapp_contact_id").GetString());

        var social = eve.GetProperty("social");
        Assert.Equal(0, social.GetProperty("message_count").GetInt32());
        Assert.Equal("instagram", social.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task Seed_query_find_a_customer_by_phone_across_channels()
    {
        await using var db = journeys.Database.CreateDbContext();

        var rows = await db.Database.SqlQuery<LeadTouchpoints>(
            $"SELECT id, first_touchpoint, last_touchpoint FROM unified_leads WHERE phone='919876543210'").ToListAsync();

        Assert.Equal([new LeadTouchpoints(journeys.VoiceWebWhatsApp, "voice", "whatsapp")], rows);
    }

    [Fact]
    public async Task Seed_query_conversation_history_in_journey_order()
    {
        await using var db = journeys.Database.CreateDbContext();

        var history = await db.Database.SqlQuery<HistoryLine>(
            $"""
            SELECT channel, sender, content, created_at
            FROM messages
            WHERE lead_id={journeys.VoiceWebWhatsApp}
            ORDER BY created_at ASC
            """).ToListAsync();

        Assert.Equal(
            [new HistoryLine("voice", "customer", "call transcript"), new HistoryLine("web", "customer", "I want a demo"),
             new HistoryLine("web", "customer", "Tuesday works"), new HistoryLine("web", "agent", "Booked for Tuesday"),
             new HistoryLine("whatsapp", "customer", "See you Tuesday")],
            history);
    }

    [Fact]
    public async Task Seed_query_customers_by_first_touchpoint()
    {
        await using var db = journeys.Database.CreateDbContext();

        var counts = (await db.Database.SqlQuery<ChannelCount>(
            $"""
            SELECT
              CASE first_touchpoint
                WHEN 'web' THEN '🌐 Web'
                WHEN 'whatsapp' THEN '💬 WhatsApp'
                WHEN 'voice' THEN '☎️ Voice'
                WHEN 'social' THEN '📱 Social'
              END AS channel,
              COUNT(*) AS count
            FROM unified_leads
            WHERE brand='proxe'
            GROUP BY first_touchpoint;
            """).ToListAsync()).OrderBy(c => c.Channel, StringComparer.Ordinal).ToList();

        Assert.Equal(
            new[] { new ChannelCount("☎️ Voice", 1L), new ChannelCount("🌐 Web", 2L), new ChannelCount("💬 WhatsApp", 1L) }
                .OrderBy(c => c.Channel, StringComparer.Ordinal),
            counts);
    }

    [Fact]
    public async Task Seed_query_started_on_web_converted_on_whatsapp()
    {
        await using var db = journeys.Database.CreateDbContext();

        var rows = await db.Database.SqlQuery<Conversion>(
            $"""
            SELECT name, email, first_touchpoint, last_touchpoint
            FROM unified_leads
            WHERE first_touchpoint='web'
            AND last_touchpoint='whatsapp'
            AND brand='proxe';
            """).ToListAsync();

        Assert.Equal([new Conversion("Asha", null, "web", "whatsapp")], rows);
    }

    private static Task<JsonElement> MetadataAsync(ProxeDbContext db, Guid id) =>
        db.UnifiedLeads.Where(u => u.Id == id).Select(u => u.Metadata).SingleAsync();

    private static IEnumerable<string> Channels(JsonElement metadata) =>
        metadata.EnumerateObject().Select(p => p.Name).ToList();

    // The seed's queries stay the seed's SQL; their rows:
    public sealed record LeadTouchpoints(Guid Id, string FirstTouchpoint, string LastTouchpoint);

    public sealed record HistoryLine(string Channel, string Sender, string Content);

    public sealed record ChannelCount(string Channel, long Count);

    public sealed record Conversion(string Name, string? Email, string FirstTouchpoint, string LastTouchpoint);
}
