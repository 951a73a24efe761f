using System.Diagnostics.Metrics;

namespace Proxe.Messaging;

/// <summary>
/// The numbers PROXe adds to what ASP.NET Core, MassTransit and Npgsql already measure: how far behind the pipeline is
/// (received → committed, journey), transaction sizes and the broker's confirm time; the gateway adds its spool's gauges
/// (SpoolMetrics). Tags are channel and brand: a few values each, never ids.
/// </summary>
public sealed class ProxeMetrics
{
    public const string MeterName = "Proxe";

    // Seconds, from a few milliseconds (a healthy pipeline) to minutes (a backlog, an outage waited out).
    static readonly IReadOnlyList<double> LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
    // Seconds from publishing to the broker's confirm: a few milliseconds when healthy, seconds when the broker stalls.
    static readonly IReadOnlyList<double> ConfirmBuckets = [0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    static readonly IReadOnlyList<long> BatchBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500];

    // Static, as .NET's metrics guidance has it: one instrument per process, whatever the number of hosts. A meter per
    // host (IMeterFactory) gives each host instruments of the same name; the OpenTelemetry SDK listens by meter name
    // in the whole process, and once one host disposes its meter the stream of that name stops for the others too.
    static readonly Meter Meter = new(MeterName);

    static readonly Histogram<double> InteractionLag = Meter.CreateHistogram<double>("proxe.interaction.lag", "s",
        "From the gateway receiving an interaction to the workers committing it.", advice: new() { HistogramBucketBoundaries = LagBuckets });

    static readonly Histogram<double> JourneyLag = Meter.CreateHistogram<double>("proxe.journey.lag", "s",
        "From a channel worker publishing LeadInteractionRecorded to the lead journey having applied it.", advice: new() { HistogramBucketBoundaries = LagBuckets });

    static readonly Histogram<long> TransactionSize = Meter.CreateHistogram<long>("proxe.transaction.size", "{interaction}",
        "Interactions a channel's transaction records.", advice: new() { HistogramBucketBoundaries = BatchBuckets });

    static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>("proxe.publish.duration", "s",
        "From the gateway publishing a message of a request's interactions to the broker confirming it; confirmed publishes only.", advice: new() { HistogramBucketBoundaries = ConfirmBuckets });

    public void Published(TimeSpan duration) => PublishDuration.Record(duration.TotalSeconds);

    public void InteractionCommitted(string channel, string brand, DateTimeOffset receivedAt, DateTimeOffset committedAt) =>
        InteractionLag.Record(Seconds(committedAt - receivedAt), new("channel", channel), new("brand", brand));

    public void JourneyApplied(string channel, DateTimeOffset sentAt, DateTimeOffset appliedAt) =>
        JourneyLag.Record(Seconds(appliedAt - sentAt), new KeyValuePair<string, object?>("channel", channel));

    /// <summary>Once per channel transaction (MassTransit's consume observers see the messages, not the batches or their transactions).</summary>
    public void TransactionRecorded(string channel, int size) =>
        TransactionSize.Record(size, new KeyValuePair<string, object?>("channel", channel));

    // Clocks of two machines: a slightly negative difference is skew, not time travel.
    static double Seconds(TimeSpan lag) => Math.Max(0, lag.TotalSeconds);
}
