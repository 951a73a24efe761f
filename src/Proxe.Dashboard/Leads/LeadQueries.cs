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
        u."timestamp", l.first_interaction_at, u.last_interaction_at, u.metadata, l.journey
        """;

    /// <summary>The list's order, served by all_leads_activity_idx (migration 004).</summary>
    private const string Activity = "coalesce(l.last_interaction_at, l.created_at)";

    /// <summary>
    /// The filter as conditions on all_leads (alias l), only those asked for, so each query plans against its indexes.
    /// A phone or email matches the lead's own column or any identity of that kind.
    /// </summary>
    public static (string Where, DynamicParameters Parameters) Where(LeadFilter filter, bool withCursor = true)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        if (filter.Phone is not null)
        {
            conditions.Add("""
                l.id IN (SELECT p.id FROM all_leads p WHERE p.customer_phone_normalized = @phone
                         UNION SELECT i.lead_id FROM lead_identities i WHERE i.kind = 'phone' AND i.value = @phone)
                """);
            parameters.Add("phone", filter.Phone);
        }
        if (filter.Email is not null)
        {
            conditions.Add("""
                l.id IN (SELECT e.id FROM all_leads e WHERE lower(e.email) = @email
                         UNION SELECT i.lead_id FROM lead_identities i WHERE i.kind = 'email' AND i.value = @email)
                """);
            parameters.Add("email", filter.Email);
        }
        Add("l.first_touchpoint = @first_touchpoint", "first_touchpoint", filter.FirstTouchpoint);
        Add("l.last_touchpoint = @last_touchpoint", "last_touchpoint", filter.LastTouchpoint);
        Add("l.customer_name ILIKE @name_pattern", "name_pattern", filter.NamePattern);
        Add("@channel = ANY (l.journey)", "channel", filter.Channel);
        Add("l.last_interaction_at >= @active_from::timestamptz", "active_from", Timestamp(filter.ActiveFrom));
        Add("l.last_interaction_at < @active_to::timestamptz", "active_to", Timestamp(filter.ActiveTo));
        if (filter.CrossChannel)
            conditions.Add("cardinality(l.journey) > 1");
        if (withCursor && filter.CursorAt is { } cursorAt)
        {
            conditions.Add($"({Activity}, l.id) < (@cursor_at::timestamptz, @cursor_id)");
            parameters.Add("cursor_at", Timestamp(cursorAt));
            parameters.Add("cursor_id", filter.CursorId ?? Guid.Empty);
        }

        return (conditions.Count == 0 ? "" : "WHERE " + string.Join("\n  AND ", conditions), parameters);

        void Add(string condition, string name, string? value)
        {
            if (value is null)
                return;
            conditions.Add(condition);
            parameters.Add(name, value);
        }
    }

    /// <summary>
    /// Newest activity first; a lead without any interaction time sorts by its creation. The page is chosen on
    /// all_leads alone (filters, order, limit on indexed columns), then the view adds metadata for those rows only.
    /// </summary>
    public static async Task<Page<Lead>> FindAsync(NpgsqlConnection connection, LeadFilter filter, CancellationToken cancellationToken)
    {
        var (sql, parameters) = ListCommand(filter);
        var leads = (await connection.QueryAsync<Lead>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();

        var last = leads.Count == filter.Limit ? leads[^1] : null;
        return new Page<Lead>(leads, last is null ? null : Data.Cursor.Encode(last.LastInteractionAt ?? last.Timestamp, last.Id));
    }

    public static (string Sql, DynamicParameters Parameters) ListCommand(LeadFilter filter)
    {
        var (where, parameters) = Where(filter);
        parameters.Add("limit", filter.Limit);
        return ($"""
            WITH page AS (
                SELECT l.id, {Activity} AS activity
                FROM all_leads l
                {where}
                ORDER BY {Activity} DESC, l.id DESC
                LIMIT @limit)
            SELECT {LeadColumns}
            FROM page JOIN unified_leads u ON u.id = page.id JOIN all_leads l ON l.id = page.id
            ORDER BY page.activity DESC, page.id DESC
            """, parameters);
    }

    public static Task<long> CountAsync(NpgsqlConnection connection, LeadFilter filter, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, withCursor: false);
        return connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM all_leads l {where}", parameters, cancellationToken: cancellationToken));
    }

    public const string DetailSql = $"""
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
            FROM unified_leads u JOIN all_leads l ON l.id = u.id
            WHERE u.id = @id
            """;

    public static Task<LeadDetail?> GetAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<LeadDetail>(new CommandDefinition(DetailSql, new { id }, cancellationToken: cancellationToken));

    public static Task<bool> ExistsAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM all_leads WHERE id = @id)", new { id }, cancellationToken: cancellationToken));

    public const string MessagesSql = """
        SELECT m.id, m.channel, m.sender, m.content, m.message_type, m.metadata, m.external_id, m.occurred_at, m.created_at
        FROM messages m
        WHERE m.lead_id = @lead_id
          AND (@cursor_at::timestamptz IS NULL OR (m.occurred_at, m.id) > (@cursor_at::timestamptz, @cursor_id))
        ORDER BY m.occurred_at, m.id
        LIMIT @limit
        """;

    /// <summary>The seed's "customers by first touchpoint" (over all_leads: the view has one row per lead).</summary>
    public const string FirstTouchpointSql = "SELECT first_touchpoint, count(*) FROM all_leads GROUP BY first_touchpoint";

    /// <summary>The seed's conversation history: every channel, oldest first, by provider time.</summary>
    public static async Task<Page<LeadMessage>> MessagesAsync(NpgsqlConnection connection, Guid leadId, DateTime? cursorAt, Guid? cursorId, int limit,
        CancellationToken cancellationToken)
    {
        var messages = (await connection.QueryAsync<LeadMessage>(new CommandDefinition(MessagesSql,
            new { lead_id = leadId, cursor_at = Timestamp(cursorAt), cursor_id = cursorId ?? Guid.Empty, limit },
            cancellationToken: cancellationToken))).ToList();

        var last = messages.Count == limit ? messages[^1] : null;
        return new Page<LeadMessage>(messages, last is null ? null : Data.Cursor.Encode(last.OccurredAt, last.Id));
    }

    /// <summary>The seed's "customers by first touchpoint".</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountByFirstTouchpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string FirstTouchpoint, long Count)>(new CommandDefinition(
            FirstTouchpointSql, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.FirstTouchpoint, r => r.Count);
    }

    // Sent as ISO text and cast in SQL: exact to the microsecond, whatever DbType Dapper would pick for a DateTime.
    public static string? Timestamp(DateTime? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
