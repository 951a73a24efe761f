using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Publishes what the spool holds, oldest first, a batch at a time with publisher confirms, and moves the spool's start
/// past a batch only once RabbitMQ confirmed all of it. While the broker stays away it retries with a doubling wait.
/// Starts with the gateway, so a spool left by a previous run (restart, crash) drains as soon as the broker answers.
/// </summary>
public sealed class SpoolDrain(
    InteractionSpool spool,
    BrokerOutage outage,
    IBus bus,
    IOptions<SpoolOptions> options,
    IOptions<PublishingOptions> publishing,
    TimeProvider time,
    ILogger<SpoolDrain> logger) : BackgroundService
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var published = 0;
        var lastReport = time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await spool.WaitForRecordsAsync(stoppingToken);
                // After a failure, retry the oldest request alone: a batch half confirmed (some of its messages) would
                // otherwise publish its confirmed part again on every attempt.
                var batch = spool.Peek(failures == 0 ? options.Value.DrainBatch : 1);
                try
                {
                    await PublishAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (failures++ == 0)
                        logger.LogWarning("The spool drain waits for the broker ({Error}); {Status}", ex.GetType().Name, Describe(spool.Current));
                    else
                        ReportProgress(published, ref lastReport, $"still waiting for the broker ({ex.GetType().Name})");
                    await Task.Delay(Backoff(failures), time, stoppingToken);
                    continue;
                }

                spool.Advance(batch.Count);
                outage.End();
                published += batch.Count;
                if (failures > 0)
                {
                    logger.LogInformation("The broker takes the spool's requests again after {Attempts} failed attempt(s)", failures);
                    failures = 0;
                }

                var status = spool.Current;
                if (status.Requests == 0)
                {
                    logger.LogInformation("The spool is drained: {Published} request(s) published", published);
                    published = 0;
                }
                else
                {
                    ReportProgress(published, ref lastReport, "draining");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever is left stays on disk for the next start.
        }
    }

    private async Task PublishAsync(IReadOnlyList<SpooledRecord> batch, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(publishing.Value.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        var interactions = new List<ChannelInteractionReceived>();
        foreach (var record in batch)
        {
            if (record.Payload is null)
            {
                logger.LogError("Skipped a spooled request of {Count} interaction(s) spooled at {SpooledAt:O}: its bytes on disk no longer match their checksum",
                    record.Interactions, record.SpooledAt);
                continue;
            }

            try
            {
                interactions.AddRange(SpooledInteractions.Deserialize(record.Payload));
            }
            catch (JsonException ex)
            {
                logger.LogError("Skipped a spooled request of {Count} interaction(s) spooled at {SpooledAt:O}: unreadable ({Error})",
                    record.Interactions, record.SpooledAt, ex.GetType().Name);
            }
        }

        await Task.WhenAll(InteractionBundler.Messages(interactions)
            .Select(message => bus.Publish(message, MessagingTopology.ConfigureInteractionPublish, linked.Token)));
    }

    /// <summary>At most every 30 s while the spool holds requests, so a long outage stays visible in the logs.</summary>
    private void ReportProgress(int published, ref long lastReport, string state)
    {
        if (time.GetElapsedTime(lastReport) < ReportEvery)
            return;
        logger.LogInformation("The spool drain is {State}: {Published} request(s) published so far; {Status}", state, published, Describe(spool.Current));
        lastReport = time.GetTimestamp();
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(options.Value.DrainMaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures - 1, 20))));

    internal static string Describe(SpoolStatus status) =>
        $"spool: {status.Requests} request(s), {status.Interactions} interaction(s), {status.Bytes} bytes, oldest {status.OldestAge.TotalSeconds:F0} s";
}
