using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Part of /health/ready. Degraded (still ready: HTTP 200) while the spool holds requests, because the gateway keeps
/// its promise then, and taking it out of the load balancer would turn away the very callbacks the spool is for.
/// Unhealthy once the spool cannot take more (full, too old, or the disk refuses writes): requests get 503 then.
/// </summary>
public sealed class SpoolHealthCheck(InteractionSpool spool) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Off the request's thread, which may be the socket event thread: after a failed write the probe fsyncs a file.
        var writable = await Task.Run(spool.ProbeWritable, cancellationToken);
        var status = spool.Current;
        var data = new Dictionary<string, object>
        {
            ["requests"] = status.Requests,
            ["interactions"] = status.Interactions,
            ["bytes"] = status.Bytes,
            ["oldest_age_seconds"] = Math.Round(status.OldestAge.TotalSeconds, 1),
            ["writable"] = writable,
            ["full"] = status.Full,
        };

        return !writable ? HealthCheckResult.Unhealthy("The spool cannot be written: while the broker is away, requests get 503.", data: data)
            : status.Full ? HealthCheckResult.Unhealthy($"The spool is full ({SpoolDrain.Describe(status)}): requests the broker cannot take get 503.", data: data)
            : status.Requests > 0 ? HealthCheckResult.Degraded($"Requests wait in the spool for the broker ({SpoolDrain.Describe(status)}).", data: data)
            : HealthCheckResult.Healthy("The spool is empty.", data);
    }
}
