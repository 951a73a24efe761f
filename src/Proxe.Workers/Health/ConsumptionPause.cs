using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

using Proxe.Workers.Persistence;

namespace Proxe.Workers.Health;

/// <summary>
/// Readiness of the consumers themselves: unhealthy from a consume that failed on an outage (its message went back to
/// its queue, and the kill switch pauses the endpoint) until a consume succeeds again. The reason names the failure,
/// never message data.
/// </summary>
public sealed class ConsumptionPause(TimeProvider time) : IConsumeObserver, IHealthCheck
{
    sealed record Pause(DateTimeOffset Since, string Reason);

    Pause? _pause;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        Volatile.Write(ref _pause, null);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        if (Failures.IsInfrastructure(exception) && Volatile.Read(ref _pause) is null)
            Volatile.Write(ref _pause, new Pause(time.GetUtcNow(), Describe(exception)));
        return Task.CompletedTask;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Volatile.Read(ref _pause) is { } pause
            ? HealthCheckResult.Unhealthy($"Consumption paused since {pause.Since:O}: {pause.Reason}", data: new Dictionary<string, object>
            {
                ["paused_since"] = pause.Since,
                ["reason"] = pause.Reason,
            })
            : HealthCheckResult.Healthy());

    static string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"PostgreSQL {postgres.SqlState} {postgres.MessageText}",
        NpgsqlException { InnerException: { } inner } => $"PostgreSQL unreachable ({inner.GetType().Name}: {inner.Message})",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
