using System.Globalization;
using Dapper;
using Npgsql;

namespace Proxe.Dashboard.Leads;

/// <summary>
/// The dashboard's reads. None of them names a brand: they run under <see cref="Data.ReaderDatabase"/>,
/// where row-level security leaves only the caller's brands.
/// </summary>
public static class LeadQueries
{
    private const string LeadColumns = """
        u.id, u.brand, u.name, u.email, u.phone, u.first_touchpoint, u.last_touchpoint,
        u."timestamp", u.last_interaction_at, u.metadata, j.journey
        """;

    // Journey = channels in order of first use: the first touchpoint, then the others by their first message
    // (provider time) or, for a channel with sessions but no messages yet, its first session's insert time.
    private const string JourneyJoin = """
        CROSS JOIN LATERAL (
            SELECT array_agg(c.channel ORDER BY c.channel <> u.first_touchpoint, c.first_at, c.channel) AS journey
            FROM (
                SELECT seen.channel, min(seen.first_at) AS first_at
                FROM (
                    SELECT u.first_touchpoint AS channel, u."timestamp" AS first_at
                    UNION ALL SELECT m.channel, min(m.occurred_at) FROM messages m WHERE m.lead_id = u.id GROUP BY m.channel
                    UNION ALL SELECT 'web', min(x.created_at) FROM web_sessions x WHERE x.lead_id = u.id
                    UNION ALL SELECT 'whatsapp', min(x.created_at) FROM whatsapp_sessions x WHERE x.lead_id = u.id
                    UNION ALL SELECT 'voice', min(x.created_at) FROM voice_sessions x WHERE x.lead_id = u.id
                    UNION ALL SELECT 'social', min(x.created_at) FROM social_sessions x WHERE x.lead_id = u.id
                ) seen
                WHERE seen.first_at IS NOT NULL
                GROUP BY seen.channel
            ) c
        ) j
        """;

    private const string Matching = """
        WHERE (@phone::text IS NULL OR u.phone = @phone
               OR u.id IN (SELECT i.lead_id FROM lead_identities i WHERE i.kind = 'phone' AND i.value = @phone))
          AND (@email::text IS NULL OR lower(u.email) = @email
               OR u.id IN (SELECT i.lead_id FROM lead_identities i WHERE i.kind = 'email' AND i.value = @email))
          AND (@first_touchpoint::text IS NULL OR u.first_touchpoint = @first_touchpoint)
          AND (@last_touchpoint::text IS NULL OR u.last_touchpoint = @last_touchpoint)
          AND (@name_pattern::text IS NULL OR u.name ILIKE @name_pattern)
        """;

    /// <summary>Newest activity first; a lead without any interaction time sorts by its creation.</summary>
    public static async Task<Page<Lead>> FindAsync(NpgsqlConnection connection, LeadFilter filter, CancellationToken cancellationToken)
    {
        var leads = (await connection.QueryAsync<Lead>(new CommandDefinition($"""
            SELECT {LeadColumns}
            FROM unified_leads u
            {JourneyJoin}
            {Matching}
              AND (@cursor_at::timestamptz IS NULL
                   OR (coalesce(u.last_interaction_at, u."timestamp"), u.id) < (@cursor_at::timestamptz, @cursor_id))
            ORDER BY coalesce(u.last_interaction_at, u."timestamp") DESC, u.id DESC
            LIMIT @limit
            """, Parameters(filter), cancellationToken: cancellationToken))).ToList();

        var last = leads.Count == filter.Limit ? leads[^1] : null;
        return new Page<Lead>(leads, last is null ? null : Data.Cursor.Encode(last.LastInteractionAt ?? last.Timestamp, last.Id));
    }

    public static Task<long> CountAsync(NpgsqlConnection connection, LeadFilter filter, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            SELECT count(*) FROM unified_leads u
            {Matching}
            """, Parameters(filter), cancellationToken: cancellationToken));

    public static Task<LeadDetail?> GetAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<LeadDetail>(new CommandDefinition($"""
            SELECT {LeadColumns}, u.unified_context,
                   jsonb_build_object(
                       'web', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                               FROM web_sessions x WHERE x.lead_id = u.id),
                       'whatsapp', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                                    FROM whatsapp_sessions x WHERE x.lead_id = u.id),
                       'voice', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                                 FROM voice_sessions x WHERE x.lead_id = u.id),
                       'social', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'lead_id' ORDER BY x.created_at, x.id), '[]')
                                  FROM social_sessions x WHERE x.lead_id = u.id)) AS sessions,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value,
                                                                 'first_seen_at', i.first_seen_at, 'last_seen_at', i.last_seen_at)
                                              ORDER BY i.first_seen_at, i.kind, i.value), '[]')
                    FROM lead_identities i WHERE i.lead_id = u.id) AS identities
            FROM unified_leads u
            {JourneyJoin}
            WHERE u.id = @id
            """, new { id }, cancellationToken: cancellationToken));

    public static Task<bool> ExistsAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM all_leads WHERE id = @id)", new { id }, cancellationToken: cancellationToken));

    /// <summary>The seed's conversation history: every channel, oldest first, by provider time.</summary>
    public static async Task<Page<LeadMessage>> MessagesAsync(NpgsqlConnection connection, Guid leadId, DateTime? cursorAt, Guid? cursorId, int limit,
        CancellationToken cancellationToken)
    {
        var messages = (await connection.QueryAsync<LeadMessage>(new CommandDefinition("""
            SELECT m.id, m.channel, m.sender, m.content, m.message_type, m.metadata, m.external_id, m.occurred_at, m.created_at
            FROM messages m
            WHERE m.lead_id = @lead_id
              AND (@cursor_at::timestamptz IS NULL OR (m.occurred_at, m.id) > (@cursor_at::timestamptz, @cursor_id))
            ORDER BY m.occurred_at, m.id
            LIMIT @limit
            """,
            new { lead_id = leadId, cursor_at = Timestamp(cursorAt), cursor_id = cursorId ?? Guid.Empty, limit },
            cancellationToken: cancellationToken))).ToList();

        var last = messages.Count == limit ? messages[^1] : null;
        return new Page<LeadMessage>(messages, last is null ? null : Data.Cursor.Encode(last.OccurredAt, last.Id));
    }

    /// <summary>The seed's "customers by first touchpoint".</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountByFirstTouchpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string FirstTouchpoint, long Count)>(new CommandDefinition("""
            SELECT first_touchpoint, count(*) FROM unified_leads GROUP BY first_touchpoint
            """, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.FirstTouchpoint, r => r.Count);
    }

    private static object Parameters(LeadFilter filter) => new
    {
        phone = filter.Phone,
        email = filter.Email,
        first_touchpoint = filter.FirstTouchpoint,
        last_touchpoint = filter.LastTouchpoint,
        name_pattern = filter.NamePattern,
        cursor_at = Timestamp(filter.CursorAt),
        cursor_id = filter.CursorId ?? Guid.Empty,
        limit = filter.Limit,
    };

    // Sent as ISO text and cast in SQL: exact to the microsecond, whatever DbType Dapper would pick for a DateTime.
    private static string? Timestamp(DateTime? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
