using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proxe.Workers.Health;

/// <summary>
/// Ready only while every receive endpoint has a live consumer. MassTransit's own check calls an endpoint that is
/// starting, reconnecting or stopped "Degraded", which readiness counts as ready; a worker whose endpoint never comes
/// back must instead look unready, so an orchestrator restarts it.
/// </summary>
public sealed class ReceiveEndpointsReadiness(IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        return Task.FromResult(health.Status == BusHealthStatus.Healthy
            ? HealthCheckResult.Healthy(health.Description)
            : HealthCheckResult.Unhealthy(health.Description, data: health.Endpoints.ToDictionary(
                endpoint => endpoint.Key.ToString(), endpoint => (object)$"{endpoint.Value.Status}: {endpoint.Value.Description}")));
    }
}
