using Npgsql;
using Proxe.Bench.Workload;

namespace Proxe.Bench.Load;

/// <summary>What of one run has reached PostgreSQL so far.</summary>
public sealed record PipelineProgress(long Messages, DateTimeOffset? LastMessageAt, long JourneyInteractions, DateTimeOffset? LastJourneyAt, long Leads)
{
    public DateTimeOffset? LastRowAt => (LastMessageAt, LastJourneyAt) switch
    {
        (null, var journey) => journey,
        (var message, null) => message,
        (var message, var journey) => message > journey ? message : journey,
    };
}

/// <summary>
/// Counts a run's rows: messages by their external ids (every one starts with the run's prefix, or with its CallSid
/// prefix for Twilio's events), the run's leads as the leads of those messages, and the LeadJourney saga's interactions
/// over those leads. Ranges over the unique index (brand, channel, external_id) keep each poll cheap on a large table;
/// '~' sorts after every character the ids use. Connect as a user that sees every row (e.g. postgres): RLS hides rows
/// from proxe_reader without proxe.brands.
/// </summary>
public sealed class PipelineProbe(NpgsqlDataSource dataSource, string brand, BenchRun run)
{
    const string RunMessages = """
        FROM messages
        WHERE brand = $1 AND channel IN ('web', 'whatsapp', 'voice', 'social')
          AND ((external_id >= $2 AND external_id < $2 || '~' AND external_id LIKE $2 || '%')
            OR (external_id >= $3 AND external_id < $3 || '~' AND external_id LIKE $3 || '%'))
        """;

    public async Task<PipelineProgress> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH run AS (SELECT lead_id, created_at {RunMessages}),
                 leads AS (SELECT DISTINCT lead_id FROM run)
            SELECT (SELECT count(*) FROM run), (SELECT max(created_at) FROM run), (SELECT count(*) FROM leads),
                   (SELECT coalesce(sum((c.value ->> 'interactions')::bigint), 0)
                    FROM leads JOIN lead_journeys j ON j.correlation_id = leads.lead_id
                    CROSS JOIN LATERAL jsonb_each(j.state -> 'channels') AS c),
                   (SELECT max(j.updated_at) FROM leads JOIN lead_journeys j ON j.correlation_id = leads.lead_id)
            """);
        AddRun(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PipelineProgress(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetInt64(2));
    }

    const string InsertedRows = """
        SELECT coalesce(sum(n_tup_ins) FILTER (WHERE relname = 'messages'), 0)::bigint,
               coalesce(sum(n_tup_ins) FILTER (WHERE relname = 'lead_journey_interactions'), 0)::bigint
        FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname IN ('messages', 'lead_journey_interactions')
        """;

    (long Messages, long JourneyInteractions) _insertedBefore;

    /// <summary>PostgreSQL's insert counters now, against which <see cref="EstimateAsync"/> counts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken) => _insertedBefore = await InsertedAsync(cancellationToken);

    /// <summary>
    /// The rows inserted into the whole tables since <see cref="StartAsync"/> by PostgreSQL's statistics (a backend
    /// flushes them at most once a second and up to 10 s late; rolled-back rows count too): for the progress line while
    /// posting, which no longer pays for <see cref="ReadAsync"/> (25–70 ms of PostgreSQL's time a poll near the end of a pass).
    /// </summary>
    public async Task<PipelineProgress> EstimateAsync(CancellationToken cancellationToken)
    {
        var (messages, journey) = await InsertedAsync(cancellationToken);
        return new PipelineProgress(messages - _insertedBefore.Messages, null, journey - _insertedBefore.JourneyInteractions, null, 0);
    }

    async Task<(long Messages, long JourneyInteractions)> InsertedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InsertedRows);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>When each of the run's messages was inserted (messages.created_at = now() of the inserting transaction), by external id.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> InsertTimesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT external_id, created_at {RunMessages}");
        AddRun(command);
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return result;
    }

    /// <summary>
    /// The run's leads whose channels' first times (all_leads.channel_first_at) or journey differ from what their messages
    /// and sessions say (each channel's first message's occurred_at or first session's created_at, migration 004), and the
    /// first times still noted for a journey save (migration 009); both 0 once the journey has taken every event.
    /// </summary>
    public async Task<(long WrongLeads, long NotedLeft)> CheckJourneysAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH leads AS (SELECT DISTINCT lead_id {RunMessages}),
                 firsts AS (SELECT lead_id, channel, min(at) AS at
                            FROM (SELECT lead_id, channel, occurred_at AS at FROM messages WHERE lead_id IN (SELECT lead_id FROM leads)
                                  UNION ALL SELECT lead_id, 'web', created_at FROM web_sessions WHERE lead_id IN (SELECT lead_id FROM leads)
                                  UNION ALL SELECT lead_id, 'whatsapp', created_at FROM whatsapp_sessions WHERE lead_id IN (SELECT lead_id FROM leads)
                                  UNION ALL SELECT lead_id, 'voice', created_at FROM voice_sessions WHERE lead_id IN (SELECT lead_id FROM leads)
                                  UNION ALL SELECT lead_id, 'social', created_at FROM social_sessions WHERE lead_id IN (SELECT lead_id FROM leads)) seen
                            GROUP BY lead_id, channel),
                 expected AS (SELECT lead_id, jsonb_object_agg(channel, at) AS firsts FROM firsts GROUP BY lead_id)
            SELECT count(*) FILTER (WHERE (SELECT jsonb_object_agg(key, value::timestamptz) FROM jsonb_each_text(l.channel_first_at)) IS DISTINCT FROM e.firsts
                                       OR l.journey <> proxe_lead_journey(l.first_touchpoint, e.firsts)),
                   (SELECT count(*) FROM lead_channel_firsts WHERE lead_id IN (SELECT lead_id FROM leads))
            FROM all_leads l JOIN expected e ON e.lead_id = l.id
            """);
        AddRun(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>A fresh phone tag: no lead of the brand may already use it, or the counts would include old rows.</summary>
    public static async Task<bool> IsPhoneTagFreeAsync(NpgsqlDataSource dataSource, string brand, BenchRun run, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT NOT EXISTS (SELECT 1 FROM all_leads
                               WHERE brand = $1 AND customer_phone_normalized >= $2 AND customer_phone_normalized < $2 || ':')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = brand });
        command.Parameters.Add(new NpgsqlParameter { Value = run.PhonePrefix });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    void AddRun(NpgsqlCommand command)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = brand });
        command.Parameters.Add(new NpgsqlParameter { Value = run.ExternalIdPrefix });
        command.Parameters.Add(new NpgsqlParameter { Value = run.CallSidPrefix });
    }
}
