using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Testing;

namespace Proxe.Database.Tests;

/// <summary>001 on a Web PROXe database that still has its `sessions` table, and on an empty one.</summary>
public class LegacyUpgradeTests
{
    private static readonly string[] Tables =
    [
        "all_leads", "lead_identities", "web_sessions", "whatsapp_sessions", "voice_sessions", "social_sessions",
        "messages", "lead_journeys", "lead_journey_interactions", "lead_channel_firsts", "schema_migrations",
        "lead_stats", "lead_stats_changes", "lead_activity", "lead_activity_pending", "activity_stats",
    ];

    // The legacy shape of DESIGN.md, as Web PROXe created it on Supabase.
    private const string LegacySchema = """
        CREATE TABLE sessions (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            external_session_id text UNIQUE,
            user_name text,
            email text,
            phone text,
            website_url text,
            brand text,
            booking_status text,
            booking_date date,
            booking_time time,
            google_event_id text,
            conversation_summary text,
            user_inputs_summary jsonb,
            message_count integer DEFAULT 0,
            last_message_at timestamptz,
            created_at timestamptz DEFAULT now(),
            updated_at timestamptz DEFAULT now()
        );
        """;

    private static readonly LegacySession[] Legacy =
    [
        // Three spellings of one Indian number, brand proxe: one lead.
        new(Guid.Parse("00000000-0000-0000-0000-000000000001"), "s-1", "John", "john@example.test", "+91 98765 43210", "proxe",
            "booked", new DateOnly(2025, 2, 3), new TimeOnly(10, 30), "gcal-1", "wants a demo", 4, Day(1)),
        new(Guid.Parse("00000000-0000-0000-0000-000000000002"), "s-2", "Johnny", null, "919876543210", "proxe",
            null, null, null, null, "came back", 2, Day(2)),
        new(Guid.Parse("00000000-0000-0000-0000-000000000003"), "s-3", null, "john@example.test", "+91-98765-43210", "proxe",
            "cancelled", null, null, null, null, 1, Day(3)),
        // The same number for another brand is another lead.
        new(Guid.Parse("00000000-0000-0000-0000-000000000004"), "s-4", "John", null, "+91 98765 43210", "acme",
            null, null, null, null, null, 3, Day(4)),
        // No phone: a lead of its own.
        new(Guid.Parse("00000000-0000-0000-0000-000000000005"), "s-5", "Anon", "anon@example.test", null, "proxe",
            null, null, null, null, null, 0, Day(5)),
        new(Guid.Parse("00000000-0000-0000-0000-000000000006"), "s-6", "Mia", null, "+1 (415) 555-0100", "proxe",
            null, null, null, null, null, 7, Day(6)),
    ];

    [Fact]
    public async Task Every_legacy_row_survives_as_a_web_session()
    {
        await using var database = await LegacyDatabaseAsync();

        await MigrationRunner.MigrateAsync(database.ConnectionString);

        await using var db = database.CreateDbContext();
        var sessions = await db.WebSessions.OrderBy(s => s.Id)
            .Select(s => new LegacySession(s.Id, s.ExternalSessionId!, s.CustomerName, s.CustomerEmail, s.CustomerPhone, s.Brand,
                s.BookingStatus, s.BookingDate, s.BookingTime, s.GoogleEventId, s.ConversationSummary, s.MessageCount, s.CreatedAt))
            .ToListAsync();
        Assert.Equal(Legacy, sessions);

        var websites = await db.WebSessions.Select(s => s.WebsiteUrl).Distinct().ToListAsync();
        Assert.Equal(["https://proxe.example"], websites);
        var inputs = await db.WebSessions.Where(s => s.ExternalSessionId == "s-1").Select(s => s.UserInputsSummary).SingleAsync();
        Assert.Equal("""{"interest": "demo"}""", inputs);
        var channelData = await db.WebSessions.Where(s => s.ExternalSessionId == "s-3").Select(s => s.ChannelData).SingleAsync();
        Assert.Equal("+91-98765-43210", channelData.GetProperty("legacy_session").GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Rows_sharing_a_brand_and_normalized_phone_become_one_web_lead()
    {
        await using var database = await LegacyDatabaseAsync();

        await MigrationRunner.MigrateAsync(database.ConnectionString);

        await using var db = database.CreateDbContext();
        var leads = await db.Leads.OrderBy(l => l.CreatedAt)
            .Select(l => new UpgradedLead(l.Id, l.Brand, l.CustomerPhoneNormalized, l.CustomerName, l.Email, l.FirstTouchpoint, l.LastTouchpoint))
            .ToListAsync();

        Assert.Equal(
            [
                new UpgradedLead(Legacy[0].Id, "proxe", "919876543210", "Johnny", "john@example.test", "web", "web"),
                new UpgradedLead(Legacy[3].Id, "acme", "919876543210", "John", null, "web", "web"),
                new UpgradedLead(Legacy[4].Id, "proxe", null, "Anon", "anon@example.test", "web", "web"),
                new UpgradedLead(Legacy[5].Id, "proxe", "14155550100", "Mia", null, "web", "web"),
            ],
            leads);

        var johnsSessions = await db.WebSessions.Where(s => s.LeadId == Legacy[0].Id)
            .OrderBy(s => s.ExternalSessionId).Select(s => s.ExternalSessionId).ToListAsync();
        Assert.Equal(["s-1", "s-2", "s-3"], johnsSessions);

        var identities = await db.LeadIdentities.OrderBy(i => i.Brand).ThenBy(i => i.Kind).ThenBy(i => i.Value)
            .Select(i => new UpgradedIdentity(i.Brand, i.Kind, i.Value, i.LeadId))
            .ToListAsync();
        Assert.Equal(
            [
                new UpgradedIdentity("acme", "phone", "919876543210", Legacy[3].Id),
                new UpgradedIdentity("proxe", "email", "anon@example.test", Legacy[4].Id),
                new UpgradedIdentity("proxe", "email", "john@example.test", Legacy[0].Id),
                new UpgradedIdentity("proxe", "phone", "14155550100", Legacy[5].Id),
                new UpgradedIdentity("proxe", "phone", "919876543210", Legacy[0].Id),
            ],
            identities);

        var web = (await db.UnifiedLeads.Where(u => u.Id == Legacy[0].Id).Select(u => u.Metadata).SingleAsync()).GetProperty("web");
        Assert.Equal("3/7", $"{web.GetProperty("session_count")}/{web.GetProperty("message_count")}");
    }

    [Fact]
    public async Task The_legacy_table_is_kept_aside_and_a_second_run_changes_nothing()
    {
        await using var database = await LegacyDatabaseAsync();
        await MigrationRunner.MigrateAsync(database.ConnectionString);
        await using var db = database.CreateDbContext();
        var before = await SnapshotAsync(db);

        // As in Supabase's SQL editor: the same files run again by hand, in order.
        foreach (var migration in Migration.Embedded())
        {
            await RunScriptAsync(database, migration.Sql);
        }

        var applied = await MigrationRunner.MigrateAsync(database.ConnectionString);

        Assert.Empty(applied);
        Assert.Equal(before, await SnapshotAsync(db));
        Assert.Null(await TestData.RegclassAsync(db, "sessions"));
        Assert.Equal(Legacy.Length, (await db.Database.SqlQuery<int>($"""SELECT count(*)::int AS "Value" FROM sessions_legacy""").ToListAsync()).Single());
    }

    [Fact]
    public async Task On_an_empty_database_the_same_file_creates_everything()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);

        var applied = await MigrationRunner.MigrateAsync(database.ConnectionString);

        await using var db = database.CreateDbContext();
        Assert.Equal(Migration.Embedded().Select(migration => migration.Name), applied);
        var tables = await db.Database.SqlQuery<string>(
            $"""SELECT table_name::text AS "Value" FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name""")
            .ToListAsync();
        Assert.Equal(Tables.Order(StringComparer.Ordinal), tables);
        Assert.Equal("VIEW", (await db.Database.SqlQuery<string>(
            $"""SELECT table_type::text AS "Value" FROM information_schema.tables WHERE table_name = 'unified_leads'""").ToListAsync()).Single());
        Assert.Equal(Tables.Length, (await db.Database.SqlQuery<int>(
            $"""SELECT count(*)::int AS "Value" FROM pg_class WHERE relname = ANY({Tables}) AND relrowsecurity""").ToListAsync()).Single());
        Assert.Equal(0, await db.Leads.CountAsync());

        var before = await SnapshotAsync(db);
        await RunScriptAsync(database, Migration.Embedded()[0].Sql);

        Assert.Equal(before, await SnapshotAsync(db));
    }

    private const string DemoInterest = """{"interest": "demo"}""";

    private static async Task<PostgresDatabaseFixture> LegacyDatabaseAsync()
    {
        var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        await RunScriptAsync(database, LegacySchema);
        await using var db = database.CreateDbContext();
        foreach (var row in Legacy)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO sessions (id, external_session_id, user_name, email, phone, website_url, brand, booking_status,
                                      booking_date, booking_time, google_event_id, conversation_summary, user_inputs_summary,
                                      message_count, last_message_at, created_at, updated_at)
                VALUES ({row.Id}, {row.ExternalSessionId}, {row.UserName}, {row.Email}, {row.Phone}, 'https://proxe.example', {row.Brand},
                        {row.BookingStatus}, {row.BookingDate}, {row.BookingTime}, {row.GoogleEventId}, {row.ConversationSummary},
                        CASE WHEN {row.ExternalSessionId} = 's-1' THEN {DemoInterest}::jsonb END,
                        {row.MessageCount}, {row.CreatedAt}, {row.CreatedAt}, {row.CreatedAt})
                """);
        }

        return database;
    }

    /// <summary>A whole SQL file as the SQL editor runs it: one command, no parameters (EF Core would read its braces as placeholders).</summary>
    private static async Task RunScriptAsync(PostgresDatabaseFixture database, string sql)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of every PROXe table and the view, as text.</summary>
    private static async Task<string> SnapshotAsync(ProxeDbContext db)
    {
        var parts = new List<string>();
        foreach (var relation in Tables.Append("unified_leads").Append("sessions_legacy"))
        {
            if (await TestData.RegclassAsync(db, relation) is null)
            {
                continue;
            }

            // The relation's name is one of the lists above, never input.
            var rows = $"""SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text AS "Value" FROM {relation} t""";
            parts.Add(relation + ": " + (await db.Database.SqlQueryRaw<string>(rows).ToListAsync()).Single());
        }

        return string.Join("\n", parts);
    }

    private static DateTime Day(int day) => new(2025, 1, day, 9, 0, 0, DateTimeKind.Utc);

    public sealed record UpgradedLead(Guid Id, string Brand, string? Phone, string? Name, string? Email, string First, string Last);

    public sealed record UpgradedIdentity(string Brand, string Kind, string Value, Guid LeadId);

    public sealed record LegacySession(
        Guid Id, string ExternalSessionId, string? UserName, string? Email, string? Phone, string Brand, string? BookingStatus,
        DateOnly? BookingDate, TimeOnly? BookingTime, string? GoogleEventId, string? ConversationSummary, int MessageCount,
        DateTime CreatedAt);
}
