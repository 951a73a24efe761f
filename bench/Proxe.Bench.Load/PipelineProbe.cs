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
/// Counts a run's rows: messages by its external ids, the LeadJourney saga's interactions over the run's leads
/// (found by their phones). Ranges over the unique indexes keep each poll cheap on a large table; every suffix is
/// digits, and ':' sorts right after '9'. Connect as a user that sees every row (e.g. postgres): RLS hides rows from
/// proxe_reader without proxe.brands.
/// </summary>
public sealed class PipelineProbe(NpgsqlDataSource dataSource, string brand, BenchRun run)
{
    public async Task<PipelineProgress> ReadAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command("""
            SELECT count(*), max(created_at) FROM messages
            WHERE brand = $1 AND channel IN ('web', 'whatsapp', 'voice', 'social')
              AND external_id >= $2 AND external_id < $2 || ':' AND external_id LIKE $2 || '%'
            """, brand, run.ExternalIdPrefix));
        batch.BatchCommands.Add(Command("""
            SELECT coalesce(sum((c.value ->> 'interactions')::bigint), 0), max(j.updated_at)
            FROM all_leads l
            JOIN lead_journeys j ON j.correlation_id = l.id
            CROSS JOIN LATERAL jsonb_each(j.state -> 'channels') AS c
            WHERE l.brand = $1 AND l.customer_phone_normalized >= $2 AND l.customer_phone_normalized < $2 || ':'
            """, brand, run.PhonePrefix));
        batch.BatchCommands.Add(Command("""
            SELECT count(*) FROM all_leads
            WHERE brand = $1 AND customer_phone_normalized >= $2 AND customer_phone_normalized < $2 || ':'
            """, brand, run.PhonePrefix));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var messages = reader.GetInt64(0);
        var lastMessage = reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var journeys = reader.GetInt64(0);
        var lastJourney = reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PipelineProgress(messages, lastMessage, journeys, lastJourney, reader.GetInt64(0));
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

    static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
