using System.ComponentModel.DataAnnotations;

namespace Proxe.Gateway.Publishing;

/// <summary>How long a request may wait for the broker before it is spooled, and how long to stop trying once it keeps failing ("Proxe:Publishing").</summary>
public sealed class PublishingOptions
{
    public const string Section = "Proxe:Publishing";

    /// <summary>
    /// Upper bound for one message's publish, confirm included, and for a request's whole wait (behind the messages in
    /// flight, then its own); past it the request is spooled.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Messages on their way to the broker at a time (a message lingering after its confirm counts until it takes the
    /// next). A request that finds fewer publishes at once; otherwise it waits and leaves with the others waiting in the
    /// next message. One adds a confirm's wait to most requests under load, more makes smaller messages
    /// (bench/README.md, "2026-12-07 (stop 38)").
    /// </summary>
    [Range(1, 16)]
    public int MessagesInFlight { get; set; } = 2;

    /// <summary>
    /// How long the gateway waits after a busy message (one that carried several requests) is confirmed before it takes
    /// the requests for the next: the callers it just answered send their next requests meanwhile, so under load each
    /// message carries more of them and RabbitMQ and the workers handle fewer (bench/README.md, "2026-12-05 (stop 23)").
    /// After a message of one request it does not wait.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.050")]
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(3);

    /// <summary>Messages published within <see cref="SamplingDuration"/> before the circuit may open; it opens when half of them failed.</summary>
    [Range(2, 1000)]
    public int MinimumThroughput { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While open, requests skip the broker and go to the spool at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
