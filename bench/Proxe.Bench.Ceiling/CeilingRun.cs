using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Proxe.Bench.Workload;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Workers.Interactions;
using Proxe.Workers.Journey;
using Proxe.Workers.Persistence;

namespace Proxe.Bench.Ceiling;

public sealed record CeilingResult(int Concurrency, bool WithJourney, int Interactions, double Seconds, long Retries, CpuReport Cpu)
{
    public double PerSecond => Interactions / Seconds;
}

/// <summary>
/// Runs the workers' own database work for every interaction straight from N connections: InteractionRecorder with the
/// channel's session writer (lead resolution under advisory locks, session upsert, message insert: one transaction),
/// and optionally the LeadJourney saga's transaction (load, apply, insert or versioned update, all_leads projection).
/// No broker, no HTTP: what is left is PostgreSQL and the SQL the pipeline sends it.
/// </summary>
public static class CeilingRun
{
    /// <summary>The workers' default Proxe:Workers:JourneyPartitions: events of one lead never run concurrently.</summary>
    const int JourneyPartitions = 16;

    const int RetryLimit = 10;

    static readonly Dictionary<string, SessionWriter> Writers = new SessionWriter[]
    {
        new WebSessionWriter(), new WhatsAppSessionWriter(), new VoiceSessionWriter(), new SocialSessionWriter(),
    }.ToDictionary(writer => writer.Channel, StringComparer.Ordinal);

    /// <summary>The workload as the gateway hands it to the broker: same mapping, same ids, same normalized phones.</summary>
    public static IReadOnlyList<ChannelInteractionReceived> AsGatewayPublishes(Workload.Workload workload, string brand, DateTimeOffset now)
    {
        var errors = new Errors();
        var interactions = workload.Items.Select(item => InteractionMapper.Map(item.Request, "", brand, new BrandSettings { DefaultRegion = "IN" }, now, errors)).ToList();
        return errors.Count == 0
            ? interactions.Select(interaction => interaction!).ToList()
            : throw new InvalidOperationException($"The gateway would refuse the workload: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {e.Value[0]}"))}");
    }

    public static async Task<CeilingResult> RunAsync(NpgsqlDataSource dataSource, IReadOnlyList<ChannelInteractionReceived> interactions,
        int concurrency, bool withJourney, CancellationToken cancellationToken)
    {
        var recorder = new InteractionRecorder(dataSource, [], NullLogger<InteractionRecorder>.Instance);
        var partitions = Enumerable.Range(0, JourneyPartitions).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        long retries = 0;
        var next = -1;

        var cpu = CpuMeter.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < interactions.Count)
            {
                var interaction = interactions[index];
                LeadInteractionRecorded? recorded = null;
                await WithRetryAsync(async () => recorded = await recorder.RecordAsync(interaction, Writers[interaction.Channel], cancellationToken),
                    () => Interlocked.Increment(ref retries), cancellationToken);
                if (!withJourney)
                    continue;

                var partition = partitions[(recorded!.LeadId.GetHashCode() & int.MaxValue) % JourneyPartitions];
                await partition.WaitAsync(cancellationToken);
                try
                {
                    await WithRetryAsync(() => JourneyAsync(dataSource, recorded, cancellationToken), () => Interlocked.Increment(ref retries), cancellationToken);
                }
                finally
                {
                    partition.Release();
                }
            }
        }, cancellationToken)));
        clock.Stop();

        return new CeilingResult(concurrency, withJourney, interactions.Count, clock.Elapsed.TotalSeconds, retries, cpu.Stop());
    }

    /// <summary>What the saga repository does for one LeadInteractionRecorded, in its own transaction.</summary>
    static async Task JourneyAsync(NpgsqlDataSource dataSource, LeadInteractionRecorded recorded, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var database = new LeadJourneyDatabase(connection);

        var journey = await database.LoadAsync(recorded.LeadId, cancellationToken);
        if (journey is null)
        {
            journey = new LeadJourneyState { CorrelationId = recorded.LeadId, CurrentState = "SingleChannel" };
            journey.Apply(recorded);
            await database.InsertAsync(journey, cancellationToken);
        }
        else
        {
            journey.Apply(recorded);
            if (journey.CurrentState == "SingleChannel" && journey.Channels.Count > 1)
            {
                journey.CrossChannelPublishedAt = DateTimeOffset.UtcNow;
                journey.CurrentState = "CrossChannel";
            }
            await database.UpdateAsync(journey, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The workers' retry policy in short: races get another attempt in a fresh transaction.</summary>
    static async Task WithRetryAsync(Func<Task> attempt, Action retried, CancellationToken cancellationToken)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception ex) when (i < RetryLimit && (ex is ConcurrencyException || (ex is NpgsqlException npgsql && TransientFailures.IsRetryable(npgsql))))
            {
                retried();
                await Task.Delay(TimeSpan.FromMilliseconds(50 * i), cancellationToken);
            }
        }
    }

    /// <summary>Checks the run did the full work: one message per distinct interaction, and each counted once by its journey.</summary>
    public static async Task<string?> VerifyAsync(NpgsqlDataSource dataSource, string brand, int distinct, bool withJourney, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM messages WHERE brand = $1),
                   (SELECT coalesce(sum((c.value ->> 'interactions')::bigint), 0)
                    FROM lead_journeys j CROSS JOIN LATERAL jsonb_each(j.state -> 'channels') AS c WHERE j.brand = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = brand });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (messages, journeys) = (reader.GetInt64(0), reader.GetInt64(1));
        if (messages != distinct)
            return $"{messages} messages, expected {distinct}";
        if (withJourney && journeys != distinct)
            return $"journeys counted {journeys} interactions, expected {distinct}";
        return null;
    }
}
