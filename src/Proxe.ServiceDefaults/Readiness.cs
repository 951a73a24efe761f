using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace Proxe.ServiceDefaults;

/// <summary>
/// Readiness checks for the services' dependencies, tagged "ready" so /health/ready reports them.
/// Services with a MassTransit bus need no RabbitMQ check here: the bus registers its own.
/// </summary>
public static class Readiness
{
    /// <summary>Ready when <c>SELECT 1</c> succeeds over <c>ConnectionStrings:{connectionName}</c>.</summary>
    public static IHostApplicationBuilder AddPostgresReadiness(this IHostApplicationBuilder builder, string connectionName = "Proxe")
    {
        builder.Services.AddHealthChecks().AddNpgSql(
            sp => RequiredConnectionString(sp, connectionName),
            name: "postgres",
            tags: [Extensions.ReadyTag],
            timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>Ready when an AMQP connection to <c>ConnectionStrings:{connectionName}</c> opens.</summary>
    public static IHostApplicationBuilder AddRabbitMqReadiness(this IHostApplicationBuilder builder, string connectionName = "RabbitMq")
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "rabbitmq",
            sp => new RabbitMqReadinessCheck(new Uri(RequiredConnectionString(sp, connectionName))),
            failureStatus: null,
            tags: [Extensions.ReadyTag],
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    private static string RequiredConnectionString(IServiceProvider services, string name) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not configured.");

    // A short-lived connection per probe: probes are rare, and a cached connection could report a broker that has since gone.
    private sealed class RabbitMqReadinessCheck(Uri uri) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var factory = new ConnectionFactory
                {
                    Uri = uri,
                    ClientProvidedName = "proxe-readiness",
                    RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                    AutomaticRecoveryEnabled = false,
                };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                return connection.IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("RabbitMQ connection closed");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"RabbitMQ unreachable at {uri.Host}:{uri.Port}", ex);
            }
        }
    }
}
