using System.Diagnostics.Metrics;
using Proxe.Messaging;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// The spool's gauges, proxe.spool.depth and proxe.spool.oldest_age. They read this host's spool, so they live on this
/// host's meter; resolved when the meter provider is built, so they exist before anything is spooled.
/// </summary>
public sealed class SpoolMetrics
{
    public SpoolMetrics(IMeterFactory meterFactory, ISpoolStatus spool)
    {
        var meter = meterFactory.Create(ProxeMetrics.MeterName);
        meter.CreateObservableGauge("proxe.spool.depth", () => (long)spool.Current.Interactions, "{event}",
            "Accepted events in the gateway's local spool, waiting for the broker.");
        meter.CreateObservableGauge("proxe.spool.oldest_age", () => spool.Current.OldestAge.TotalSeconds, "s",
            "How long the oldest spooled event has waited; grows while the spool does not drain.");
    }
}
