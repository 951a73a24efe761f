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

public sealed record CeilingResult(int Concurrency, bool WithJourney, int BatchSize, int Interactions, double Seconds, long Retries, CpuReport Cpu)
{
    public double PerSecond => Interactions / Seconds;
}

/// <summary>
/// Runs the workers' own database work straight from N connections, in transactions as the workers make them
/// (up to --batch consecutive interactions of one channel): InteractionRecorder.RecordBatchAsync with the channel's
/// session writer (lead resolution under advisory locks, session upsert, message insert: one transaction per batch),
/// and optionally the LeadJourney saga's work for the batch's events (LeadJourneys.ApplyAsync: lock the leads, fold,
/// save with the all_leads projection, one transaction). No broker, no HTTP: what is left is PostgreSQL and the SQL the
/// pipeline sends it.
/// </summary>
public static class CeilingRun
{
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
        int concurrency, bool withJourney, int batchSize, CancellationToken cancellationToken)
    {
        var recorder = new InteractionRecorder(dataSource, [], NullLogger<InteractionRecorder>.Instance);
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var batches = Batches(interactions, batchSize);
        long retries = 0;
        var next = -1;

        var cpu = CpuMeter.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var batch = batches[index];
                BatchOutcome? outcome = null;
                await WithRetryAsync(async () => outcome = await recorder.RecordBatchAsync(batch, Writers[batch[0].Channel], cancellationToken),
                    () => Interlocked.Increment(ref retries), cancellationToken);
                if (outcome!.Refused.Count > 0)
                    throw outcome.Refused.Values.First();
                if (!withJourney)
                    continue;

                await WithRetryAsync(() => journeys.ApplyAsync(outcome.Events(), _ => Task.CompletedTask, cancellationToken),
                    () => Interlocked.Increment(ref retries), cancellationToken);
            }
        }, cancellationToken)));
        clock.Stop();

        return new CeilingResult(concurrency, withJourney, batchSize, interactions.Count, clock.Elapsed.TotalSeconds, retries, cpu.Stop());
    }

    /// <summary>Consecutive interactions of one channel, as a batch's share of that channel goes to one transaction.</summary>
    static List<List<ChannelInteractionReceived>> Batches(IReadOnlyList<ChannelInteractionReceived> interactions, int batchSize)
    {
        var batches = new List<List<ChannelInteractionReceived>>();
        var filling = new Dictionary<string, List<ChannelInteractionReceived>>(StringComparer.Ordinal);
        foreach (var interaction in interactions)
        {
            if (!filling.TryGetValue(interaction.Channel, out var batch))
                batches.Add(filling[interaction.Channel] = batch = []);
            batch.Add(interaction);
            if (batch.Count == batchSize)
                filling.Remove(interaction.Channel);
        }
        return batches;
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
            catch (Exception ex) when (i < RetryLimit && Failures.Classify(ex) is FailureKind.Race or FailureKind.Infrastructure)
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
