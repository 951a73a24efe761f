using System.Text.Json;
using Dapper;
using Npgsql;
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
            await using var db = await Database.DataSource.OpenConnectionAsync();

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

    private NpgsqlDataSource DataSource => journeys.Database.DataSource;

    [Fact]
    public async Task The_view_has_the_seeds_columns_in_order()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var columns = await db.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'unified_leads' ORDER BY ordinal_position");

        Assert.Equal(
            ["id", "first_touchpoint", "last_touchpoint", "name", "email", "phone", "brand", "timestamp", "metadata",
             "last_interaction_at", "unified_context"],
            columns);
    }

    [Fact]
    public async Task One_row_per_lead_however_many_sessions_and_messages()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var ids = (await db.QueryAsync<Guid>("SELECT id FROM unified_leads")).ToList();

        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM all_leads"), ids.Count);
    }

    [Fact]
    public async Task Phone_is_the_normalized_phone()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var row = await db.QuerySingleAsync<(string? Phone, string Name, string Brand)>(
            "SELECT phone, name, brand FROM unified_leads WHERE id = @id", new { id = journeys.VoiceWebWhatsApp });

        Assert.Equal(("919876543210", "John", "proxe"), row);
        Assert.Null(await db.ExecuteScalarAsync<string?>("SELECT phone FROM unified_leads WHERE id = @id", new { id = journeys.WebOnly }));
    }

    [Fact]
    public async Task Metadata_holds_one_object_per_channel_used()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        using var john = JsonDocument.Parse(await MetadataAsync(db, journeys.VoiceWebWhatsApp));
        using var ravi = JsonDocument.Parse(await MetadataAsync(db, journeys.WhatsAppOnly));
        using var eve = JsonDocument.Parse(await MetadataAsync(db, journeys.OtherBrandWebThenWhatsApp));

        Assert.Equal(["voice", "web", "whatsapp"], Channels(john).Order(StringComparer.Ordinal));
        Assert.Equal(["whatsapp"], Channels(ravi));
        Assert.Equal(["social", "web", "whatsapp"], Channels(eve).Order(StringComparer.Ordinal));

        var web = john.RootElement.GetProperty("web");
        Assert.Equal(2, web.GetProperty("session_count").GetInt32());
        Assert.Equal(3, web.GetProperty("message_count").GetInt32());
        Assert.Equal("web-john-2", web.GetProperty("external_session_id").GetString());
        Assert.Equal("booked", web.GetProperty("booking_status").GetString());

        var voice = john.RootElement.GetProperty("voice");
        Assert.Equal(1, voice.GetProperty("session_count").GetInt32());
        Assert.Equal(1, voice.GetProperty("message_count").GetInt32());
        Assert.Equal("CA-john", voice.GetProperty("call_sid").GetString());
        Assert.Equal("completed", voice.GetProperty("call_status").GetString());

        var whatsapp = john.RootElement.GetProperty("whatsapp");
        Assert.Equal(1, whatsapp.GetProperty("message_count").GetInt32());
        Assert.Equal("919876543210", whatsapp.GetProperty("whatsapp_contact_id").GetString());

        var social = eve.RootElement.GetProperty("social");
        Assert.Equal(0, social.GetProperty("message_count").GetInt32());
        Assert.Equal("instagram", social.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task Seed_query_find_a_customer_by_phone_across_channels()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var rows = (await db.QueryAsync<(Guid Id, string First, string Last)>(
            "SELECT id, first_touchpoint, last_touchpoint FROM unified_leads WHERE phone='919876543210'")).ToList();

        Assert.Equal([(journeys.VoiceWebWhatsApp, "voice", "whatsapp")], rows);
    }

    [Fact]
    public async Task Seed_query_conversation_history_in_journey_order()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var history = (await db.QueryAsync<(string Channel, string Sender, string Content)>(
            """
            SELECT channel, sender, content, created_at
            FROM messages
            WHERE lead_id=@leadId
            ORDER BY created_at ASC
            """,
            new { leadId = journeys.VoiceWebWhatsApp })).ToList();

        Assert.Equal(
            [("voice", "customer", "call transcript"), ("web", "customer", "I want a demo"), ("web", "customer", "Tuesday works"),
             ("web", "agent", "Booked for Tuesday"), ("whatsapp", "customer", "See you Tuesday")],
            history);
    }

    [Fact]
    public async Task Seed_query_customers_by_first_touchpoint()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var counts = (await db.QueryAsync<(string Channel, long Count)>(
            """
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
            """)).OrderBy(c => c.Channel, StringComparer.Ordinal).ToList();

        Assert.Equal(
            new[] { ("☎️ Voice", 1L), ("🌐 Web", 2L), ("💬 WhatsApp", 1L) }.OrderBy(c => c.Item1, StringComparer.Ordinal),
            counts);
    }

    [Fact]
    public async Task Seed_query_started_on_web_converted_on_whatsapp()
    {
        await using var db = await DataSource.OpenConnectionAsync();

        var rows = (await db.QueryAsync<(string Name, string? Email, string First, string Last)>(
            """
            SELECT name, email, first_touchpoint, last_touchpoint
            FROM unified_leads
            WHERE first_touchpoint='web'
            AND last_touchpoint='whatsapp'
            AND brand='proxe';
            """)).ToList();

        Assert.Equal([("Asha", null, "web", "whatsapp")], rows);
    }

    private static Task<string> MetadataAsync(NpgsqlConnection db, Guid id) =>
        db.ExecuteScalarAsync<string>("SELECT metadata::text FROM unified_leads WHERE id = @id", new { id })!;

    private static IEnumerable<string> Channels(JsonDocument metadata) =>
        metadata.RootElement.EnumerateObject().Select(p => p.Name).ToList();
}
