using System.Diagnostics;
using Npgsql;

namespace Proxe.Bench.Dashboard;

/// <summary>
/// Fills a migrated database set-based in SQL: <c>leads</c> leads of which 90 % belong to brand "bench" and 10 % to
/// "other", each on one to three channels over a year, with its sessions, identities and messages (messages / leads per
/// lead). The inserts go through the schema's own triggers (first_touchpoint, journeys), one statement per table.
/// </summary>
public static class DataGenerator
{
    public const string Brand = "bench";
    public const string OtherBrand = "other";
    public static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static string PhoneOf(int lead) => $"919{lead:D9}";

    public static Guid IdOf(int lead) => Guid.Parse($"00000000-0000-4000-8000-{lead:x12}");

    public static async Task GenerateAsync(NpgsqlDataSource superuser, int leads, int messages, CancellationToken cancellationToken)
    {
        var perLead = Math.Max(1, messages / leads);
        string[] steps =
        [
            $"""
            CREATE TEMP TABLE gen ON COMMIT PRESERVE ROWS AS
            SELECT i, ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid AS id,
                   CASE WHEN i % 10 = 0 THEN '{OtherBrand}' ELSE '{Brand}' END AS brand,
                   array_remove(ARRAY[c[1 + i % 4], CASE WHEN i % 2 = 0 THEN c[1 + (i + 1) % 4] END,
                                      CASE WHEN i % 10 IN (1, 3) THEN c[1 + (i + 2) % 4] END], NULL) AS channels,
                   timestamptz '2025-01-01' + (i::double precision / {leads}) * interval '365 days' AS first_at
            FROM generate_series(1, {leads}) i, (SELECT ARRAY['web', 'whatsapp', 'voice', 'social'] AS c) k
            """,
            // Message j of a lead: every two hours from its first interaction, channels in order of use.
            $"""
            CREATE TEMP TABLE gen_messages ON COMMIT PRESERVE ROWS AS
            SELECT g.id AS lead_id, g.brand, g.i, j, g.channels[1 + (j * cardinality(g.channels)) / {perLead}] AS channel,
                   g.first_at + j * interval '2 hours' AS occurred_at
            FROM gen g, generate_series(0, {perLead - 1}) j
            """,
            $"""
            INSERT INTO all_leads (id, brand, customer_name, email, phone, customer_phone_normalized, first_touchpoint, last_touchpoint,
                                   first_interaction_at, last_interaction_at, created_at)
            SELECT id, brand, 'Customer ' || i, 'customer' || i || '@example.com', '+91 9' || lpad(i::text, 9, '0'),
                   '919' || lpad(i::text, 9, '0'), channels[1], channels[cardinality(channels)],
                   first_at, first_at + {perLead - 1} * interval '2 hours', first_at + interval '1 second'
            FROM gen
            """,
            """
            INSERT INTO lead_identities (brand, kind, value, lead_id)
            SELECT brand, 'phone', '919' || lpad(i::text, 9, '0'), id FROM gen
            UNION ALL SELECT brand, 'email', 'customer' || i || '@example.com', id FROM gen
            UNION ALL SELECT brand, 'whatsapp', '919' || lpad(i::text, 9, '0'), id FROM gen WHERE 'whatsapp' = ANY (channels)
            """,
            """
            INSERT INTO web_sessions (lead_id, brand, customer_name, customer_email, customer_phone, external_session_id, website_url,
                                      booking_status, booking_date, booking_time, conversation_summary, message_count, created_at)
            SELECT g.id, g.brand, 'Customer ' || g.i, 'customer' || g.i || '@example.com', '+91 9' || lpad(g.i::text, 9, '0'),
                   'web-' || g.i, 'https://bench.example/', CASE WHEN g.i % 3 = 0 THEN 'confirmed' END,
                   CASE WHEN g.i % 3 = 0 THEN (g.first_at + interval '7 days')::date END, CASE WHEN g.i % 3 = 0 THEN time '15:30' END,
                   'Asked about prices', 0, min(m.occurred_at)
            FROM gen g JOIN gen_messages m ON m.lead_id = g.id AND m.channel = 'web' GROUP BY g.id, g.brand, g.i, g.first_at
            """,
            """
            INSERT INTO whatsapp_sessions (lead_id, brand, customer_name, customer_phone, customer_phone_normalized, whatsapp_contact_id,
                                           message_count, last_message_from, last_message_preview, conversation_status, last_status, created_at)
            SELECT g.id, g.brand, 'Customer ' || g.i, '+91 9' || lpad(g.i::text, 9, '0'), '919' || lpad(g.i::text, 9, '0'),
                   '919' || lpad(g.i::text, 9, '0'), 0, 'customer', 'Is it available?', 'open', 'read', min(m.occurred_at)
            FROM gen g JOIN gen_messages m ON m.lead_id = g.id AND m.channel = 'whatsapp' GROUP BY g.id, g.brand, g.i
            """,
            """
            INSERT INTO voice_sessions (lead_id, brand, customer_phone, customer_phone_normalized, call_sid, call_status, call_direction,
                                        call_duration_seconds, call_summary, transcription, created_at)
            SELECT g.id, g.brand, '+91 9' || lpad(g.i::text, 9, '0'), '919' || lpad(g.i::text, 9, '0'), 'CA' || g.i, 'completed',
                   'inbound', 60 + g.i % 300, 'Asked for a visit', repeat('I would like to visit the flat. ', 40), min(m.occurred_at)
            FROM gen g JOIN gen_messages m ON m.lead_id = g.id AND m.channel = 'voice' GROUP BY g.id, g.brand, g.i
            """,
            """
            INSERT INTO social_sessions (lead_id, brand, customer_name, platform, platform_user_id, platform_username, engagement_type,
                                         engagement_count, created_at)
            SELECT g.id, g.brand, 'Customer ' || g.i, 'instagram', 'ig-' || g.i, 'customer' || g.i, 'dm', 1, min(m.occurred_at)
            FROM gen g JOIN gen_messages m ON m.lead_id = g.id AND m.channel = 'social' GROUP BY g.id, g.brand, g.i
            """,
            """
            INSERT INTO messages (lead_id, brand, channel, sender, content, external_id, occurred_at)
            SELECT lead_id, brand, channel, CASE WHEN j % 2 = 0 THEN 'customer' ELSE 'agent' END,
                   'Message ' || j || ' of customer ' || i || ': is the two bedroom flat still available?',
                   'bench-' || i || '-' || j, occurred_at
            FROM gen_messages
            """,
            "DROP TABLE gen_messages",
            "DROP TABLE gen",
            // The triggers filled the stats' change logs; the workers would compact them within seconds.
            "SELECT proxe_compact_stats()",
        ];

        await using var connection = await superuser.OpenConnectionAsync(cancellationToken);
        foreach (var sql in steps)
        {
            var clock = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            Console.WriteLine($"  {FirstWords(sql),-60} {rows,10:N0} rows  {clock.Elapsed.TotalSeconds,6:F1} s");
        }

        foreach (var table in new[] { "all_leads", "lead_identities", "web_sessions", "whatsapp_sessions", "voice_sessions", "social_sessions", "messages",
                                      "lead_stats", "lead_stats_changes", "lead_activity", "lead_activity_pending", "activity_stats" })
        {
            var clock = Stopwatch.StartNew();
            await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {table}", connection) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
            Console.WriteLine($"  VACUUM (ANALYZE) {table,-44} {clock.Elapsed.TotalSeconds,17:F1} s");
        }
    }

    private static string FirstWords(string sql)
    {
        var line = sql.Trim().Split('\n')[0].Trim();
        return line.Length > 60 ? line[..57] + "..." : line;
    }
}
