using System.ComponentModel.DataAnnotations;

namespace Proxe.Workers;

/// <summary>Broker throughput, batching, retry and pause settings, bound from "Proxe:Workers".</summary>
public sealed class WorkerOptions
{
    public const string Section = "Proxe:Workers";

    /// <summary>An endpoint's prefetch; raised to <see cref="BatchMessageLimit"/> × <see cref="BatchConcurrency"/> when lower, so batches can fill.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; init; } = 32;

    /// <summary>
    /// Messages taken in one batch, at most: the gateway's messages, a channel's single interactions, or the lead-journey's
    /// events. A batch is held in memory whole, and a gateway's message carries up to 200 interactions when the spool's
    /// drain or large <c>/v1</c> posts fill them: taking over a backlog of such messages, a replica with 250 ran out of deploy/k8s's 768Mi on every start, and
    /// with 50 it needed 358 MiB of a 384M cgroup (bench/README.md, "2026-12-07 (stop 36)"; the fault tool's "full"
    /// checks it). Against 250, 50 lost no rate flat out, and did no worse at a fixed 3 300 <c>/v1</c> interactions/s
    /// (same section).
    /// </summary>
    [Range(1, 1000)]
    public int BatchMessageLimit { get; init; } = 50;

    /// <summary>
    /// A channel's interactions recorded in one transaction, at most. Under load a transaction's own costs (its new
    /// customers' short one, the locks, a statement per write, the commit, its event to the journey) are shared by more
    /// interactions: flat out, 250 cost PostgreSQL 0.16–0.19 ms per webhook against 0.17–0.23 with 100 (batches of as
    /// many messages then), ranges that overlap on a noisy machine (bench/README.md, "2026-12-07 (stop 35)").
    /// </summary>
    [Range(1, 10_000)]
    public int TransactionInteractionLimit { get; init; } = 250;

    /// <summary>
    /// How long a batch waits to fill after its first message. Fuller batches cost less CPU per interaction everywhere,
    /// which at moderate rates leaves the machine the headroom the providers' answers need (150 ms against 75: at 1 200
    /// webhooks/s the machine 66–67 % busy instead of 79–82 %, bench/README.md, "2026-12-06 (stop 34)"; 75 against 25:
    /// "2026-12-05 (stop 22)"). The price is the wait: received → committed p50 86–94 ms instead of 50–53 there, and a
    /// quiet queue's interaction waits up to 150 ms. The answer to its provider does not wait.
    /// </summary>
    public TimeSpan BatchTimeLimit { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// How long a lead-journey batch waits to fill after its first event: longer than a channel's, as no provider waits
    /// for a journey, so each lead's interactions from more channel batches are folded in one save (bench/README.md,
    /// "2026-12-05 (stop 23)"). A journey follows its messages by up to this.
    /// </summary>
    public TimeSpan JourneyBatchTimeLimit { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Batches of one endpoint (the interactions', a channel's, or the lead journey's) recorded at the same time within a
    /// process. One by default: in a burst of new customers every channel's transactions wait on each other's identity
    /// locks and lead rows, and with a second one per channel the burst took seconds longer to absorb (bench/README.md, "2026-12-06
    /// (stop 26)"). A full batch holds all the endpoint's delivery slots, so the next one is delivered once it is acknowledged.
    /// </summary>
    [Range(1, 64)]
    public int BatchConcurrency { get; init; } = 1;

    /// <summary>Retries of a race (serialization failure, deadlock, unique violation, journey version conflict).</summary>
    [Range(0, 50)]
    public int RetryLimit { get; init; } = 10;

    public TimeSpan RetryMinInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan RetryMaxInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryIntervalDelta { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Retries, with backoff up to <see cref="OutageRetryMaxInterval"/>, before a message of an outage goes back to its queue.</summary>
    [Range(0, 50)]
    public int OutageRetryLimit { get; init; } = 6;

    public TimeSpan OutageRetryMaxInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Waits between the tries of a message that fails on its own, before it goes to the _error queue.</summary>
    public TimeSpan[] MessageRetryIntervals { get; init; } = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)];

    /// <summary>Messages an endpoint must have consumed before its kill switch may pause it.</summary>
    [Range(1, 10_000)]
    public int PauseActivationThreshold { get; init; } = 5;

    /// <summary>Percentage of outage failures within <see cref="PauseTrackingPeriod"/> that pauses an endpoint.</summary>
    [Range(1, 100)]
    public int PauseTripThreshold { get; init; } = 10;

    public TimeSpan PauseTrackingPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A paused endpoint starts consuming again after this; if the outage lasts, it pauses again.</summary>
    public TimeSpan PauseRestartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often <see cref="Health.ConsumerWatchdog"/> asks the broker whether each endpoint's queue has a consumer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConsumerCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the queue of an endpoint MassTransit calls healthy may have no consumer at the broker before the bus is restarted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ConsumerlessRestartAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the journey remembers an interaction it folded in, and so recognises its redelivery or replay (lead_journey_interactions).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan JourneyMemory { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often the dashboard stats' deltas are moved into their rollups (<see cref="Stats.StatsCompactor"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatsCompactionInterval { get; init; } = TimeSpan.FromSeconds(5);
}
