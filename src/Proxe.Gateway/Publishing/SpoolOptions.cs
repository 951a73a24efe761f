using System.ComponentModel.DataAnnotations;

namespace Proxe.Gateway.Publishing;

/// <summary>Where the gateway journals accepted interactions while RabbitMQ cannot take them, and how much it may hold ("Proxe:Spool").</summary>
public sealed class SpoolOptions
{
    public const string Section = "Proxe:Spool";

    /// <summary>The spool's folder, relative to the content root unless absolute. It must survive a restart: a persistent volume in a cluster.</summary>
    [Required]
    public string Directory { get; set; } = Path.Combine(".proxe", "spool");

    /// <summary>Interactions the spool may hold; beyond it requests get 503 with Retry-After.</summary>
    [Range(1, 10_000_000)]
    public int MaxInteractions { get; set; } = 100_000;

    /// <summary>Bytes of spooled requests (framing included); beyond it requests get 503 with Retry-After.</summary>
    [Range(64 * 1024, 64L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Once the oldest spooled request is this old, the spool takes nothing more (503) and readiness turns Unhealthy:
    /// a broker that long gone needs a person, and a backlog that old is no longer "a few seconds late". Nothing spooled is dropped.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "30.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The journal rolls to a new file past this size; a file is deleted once everything in it was published.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int SegmentBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Longest wait between two drain attempts while the broker stays away (the wait doubles from 250 ms up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan DrainMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests the drain publishes together before it moves the spool's start past them.</summary>
    [Range(1, 10_000)]
    public int DrainBatch { get; set; } = 256;

    /// <summary>Retry-After of the 503 a full spool answers.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
