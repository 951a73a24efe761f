using System.ComponentModel.DataAnnotations;

namespace Proxe.Workers;

/// <summary>Broker throughput and retry settings, bound from "Proxe:Workers".</summary>
public sealed class WorkerOptions
{
    public const string Section = "Proxe:Workers";

    [Range(1, 1000)]
    public int PrefetchCount { get; init; } = 32;

    [Range(1, 500)]
    public int ConcurrentMessageLimit { get; init; } = 16;

    /// <summary>LeadInteractionRecorded events of one lead are handled one at a time within a process, to keep version conflicts rare.</summary>
    [Range(1, 256)]
    public int JourneyPartitions { get; init; } = 16;

    [Range(0, 50)]
    public int RetryLimit { get; init; } = 10;

    public TimeSpan RetryMinInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan RetryMaxInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryIntervalDelta { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>Bound from "Proxe:Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Proxe:Database";

    /// <summary>Apply pending migrations before the bus starts (local runs; clusters run `proxe migrate` as a job).</summary>
    public bool MigrateOnStartup { get; init; }
}
