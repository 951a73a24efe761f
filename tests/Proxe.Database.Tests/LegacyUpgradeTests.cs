using Dapper;
using Npgsql;
using Proxe.Testing;

namespace Proxe.Database.Tests;

/// <summary>001 on a Web PROXe database that still has its `sessions` table, and on an empty one.</summary>
public class LegacyUpgradeTests
{
    private static readonly string[] Tables =
    [
        "all_leads", "lead_identities", "web_sessions", "whatsapp_sessions", "voice_sessions", "social_sessions",
        "messages", "lead_journeys", "schema_migrations",
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

        await using var db = await database.DataSource.OpenConnectionAsync();
        var sessions = (await db.QueryAsync<LegacySession>(
            """
            SELECT id, external_session_id AS ExternalSessionId, customer_name AS UserName, customer_email AS Email,
                   customer_phone AS Phone, brand, booking_status AS BookingStatus, booking_date AS BookingDate,
                   booking_time AS BookingTime, google_event_id AS GoogleEventId, conversation_summary AS ConversationSummary,
                   message_count AS MessageCount, created_at AS CreatedAt
            FROM web_sessions ORDER BY id
            """)).ToList();
        Assert.Equal(Legacy, sessions);

        var websites = await db.QueryAsync<string>("SELECT DISTINCT website_url FROM web_sessions");
        Assert.Equal(["https://proxe.example"], websites);
        var inputs = await db.ExecuteScalarAsync<string>("SELECT user_inputs_summary FROM web_sessions WHERE external_session_id = 's-1'");
        Assert.Equal("""{"interest": "demo"}""", inputs);
        var kept = await db.ExecuteScalarAsync<string>(
            "SELECT channel_data -> 'legacy_session' ->> 'phone' FROM web_sessions WHERE external_session_id = 's-3'");
        Assert.Equal("+91-98765-43210", kept);
    }

    [Fact]
    public async Task Rows_sharing_a_brand_and_normalized_phone_become_one_web_lead()
    {
        await using var database = await LegacyDatabaseAsync();

        await MigrationRunner.MigrateAsync(database.ConnectionString);

        await using var db = await database.DataSource.OpenConnectionAsync();
        var leads = (await db.QueryAsync<(Guid Id, string Brand, string? Phone, string? Name, string? Email, string First, string Last)>(
            """
            SELECT id, brand, customer_phone_normalized, customer_name, email, first_touchpoint, last_touchpoint
            FROM all_leads ORDER BY created_at
            """)).ToList();

        Assert.Equal(
            [
                (Legacy[0].Id, "proxe", "919876543210", "Johnny", "john@example.test", "web", "web"),
                (Legacy[3].Id, "acme", "919876543210", "John", null, "web", "web"),
                (Legacy[4].Id, "proxe", null, "Anon", "anon@example.test", "web", "web"),
                (Legacy[5].Id, "proxe", "14155550100", "Mia", null, "web", "web"),
            ],
            leads);

        var johnsSessions = await db.QueryAsync<string>(
            "SELECT external_session_id FROM web_sessions WHERE lead_id = @id ORDER BY external_session_id", new { Legacy[0].Id });
        Assert.Equal(["s-1", "s-2", "s-3"], johnsSessions);

        var identities = await db.QueryAsync<(string Brand, string Kind, string Value, Guid LeadId)>(
            "SELECT brand, kind, value, lead_id FROM lead_identities ORDER BY brand, kind, value");
        Assert.Equal(
            [
                ("acme", "phone", "919876543210", Legacy[3].Id),
                ("proxe", "email", "anon@example.test", Legacy[4].Id),
                ("proxe", "email", "john@example.test", Legacy[0].Id),
                ("proxe", "phone", "14155550100", Legacy[5].Id),
                ("proxe", "phone", "919876543210", Legacy[0].Id),
            ],
            identities);

        var metadata = await db.ExecuteScalarAsync<string>(
            "SELECT metadata -> 'web' ->> 'session_count' || '/' || (metadata -> 'web' ->> 'message_count') FROM unified_leads WHERE id = @id",
            new { Legacy[0].Id });
        Assert.Equal("3/7", metadata);
    }

    [Fact]
    public async Task The_legacy_table_is_kept_aside_and_a_second_run_changes_nothing()
    {
        await using var database = await LegacyDatabaseAsync();
        await MigrationRunner.MigrateAsync(database.ConnectionString);
        await using var db = await database.DataSource.OpenConnectionAsync();
        var before = await SnapshotAsync(db);

        // As in Supabase's SQL editor: the same files run again by hand, in order.
        foreach (var migration in Migration.Embedded())
        {
            await using var again = new NpgsqlCommand(migration.Sql, db);
            await again.ExecuteNonQueryAsync();
        }

        var applied = await MigrationRunner.MigrateAsync(database.ConnectionString);

        Assert.Empty(applied);
        Assert.Equal(before, await SnapshotAsync(db));
        Assert.Null(await db.ExecuteScalarAsync<string?>("SELECT to_regclass('sessions')::text"));
        Assert.Equal(Legacy.Length, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM sessions_legacy"));
    }

    [Fact]
    public async Task On_an_empty_database_the_same_file_creates_everything()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);

        var applied = await MigrationRunner.MigrateAsync(database.ConnectionString);

        await using var db = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(Migration.Embedded().Select(migration => migration.Name), applied);
        var tables = await db.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name");
        Assert.Equal(Tables.Order(StringComparer.Ordinal), tables);
        Assert.Equal("VIEW", await db.ExecuteScalarAsync<string>(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'unified_leads'"));
        Assert.Equal(Tables.Length, await db.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(@Tables) AND relrowsecurity", new { Tables }));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM all_leads"));

        var before = await SnapshotAsync(db);
        await using (var again = new NpgsqlCommand(Migration.Embedded()[0].Sql, db))
        {
            await again.ExecuteNonQueryAsync();
        }

        Assert.Equal(before, await SnapshotAsync(db));
    }

    private static async Task<PostgresDatabaseFixture> LegacyDatabaseAsync()
    {
        var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        await using var db = await database.DataSource.OpenConnectionAsync();
        await db.ExecuteAsync(LegacySchema);
        foreach (var row in Legacy)
        {
            await db.ExecuteAsync(
                """
                INSERT INTO sessions (id, external_session_id, user_name, email, phone, website_url, brand, booking_status,
                                      booking_date, booking_time, google_event_id, conversation_summary, user_inputs_summary,
                                      message_count, last_message_at, created_at, updated_at)
                VALUES (@Id, @ExternalSessionId, @UserName, @Email, @Phone, 'https://proxe.example', @Brand, @BookingStatus,
                        @BookingDate, @BookingTime, @GoogleEventId, @ConversationSummary,
                        CASE WHEN @ExternalSessionId = 's-1' THEN '{"interest": "demo"}'::jsonb END,
                        @MessageCount, @CreatedAt, @CreatedAt, @CreatedAt)
                """,
                row);
        }

        return database;
    }

    /// <summary>Every row of every PROXe table and the view, as text.</summary>
    private static async Task<string> SnapshotAsync(NpgsqlConnection db)
    {
        var parts = new List<string>();
        foreach (var relation in Tables.Append("unified_leads").Append("sessions_legacy"))
        {
            if (await db.ExecuteScalarAsync<string?>("SELECT to_regclass(@relation)::text", new { relation }) is null)
            {
                continue;
            }

            parts.Add(relation + ": " + await db.ExecuteScalarAsync<string>(
                $"SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM {relation} t"));
        }

        return string.Join("\n", parts);
    }

    private static DateTime Day(int day) => new(2025, 1, day, 9, 0, 0, DateTimeKind.Utc);

    public sealed record LegacySession(
        Guid Id, string ExternalSessionId, string? UserName, string? Email, string? Phone, string Brand, string? BookingStatus,
        DateOnly? BookingDate, TimeOnly? BookingTime, string? GoogleEventId, string? ConversationSummary, int MessageCount,
        DateTime CreatedAt);
}
