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

    /// <summary>The run's leads checked by <see cref="JourneyColumns"/>.</summary>
    public async Task<(long WrongLeads, long NotedLeft)> CheckJourneysAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT DISTINCT lead_id {RunMessages}");
        AddRun(command);
        var leads = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                leads.Add(reader.GetGuid(0));
        return await JourneyColumns.CheckAsync(dataSource, [.. leads], cancellationToken);
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
