using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Proxe.ServiceDefaults;
using Proxe.Testing;

namespace Proxe.Infrastructure.Tests;

public sealed class ReadinessTests(PostgresDatabaseFixture postgres) : IClassFixture<PostgresDatabaseFixture>
{
    [Theory]
    [InlineData("proxe_ingest")]
    [InlineData("proxe_reader")]
    public async Task Postgres_readiness_is_healthy_when_the_database_answers_to_the_service_role(string role)
    {
        var report = await CheckReadinessAsync(b => b.AddPostgresReadiness(), ("ConnectionStrings:Proxe", postgres.ConnectionStringFor(role)));

        Assert.Equal(HealthStatus.Healthy, report.Entries["postgres"].Status);
    }

    [Fact]
    public async Task Postgres_readiness_is_unhealthy_when_nothing_listens()
    {
        var report = await CheckReadinessAsync(b => b.AddPostgresReadiness(),
            ("ConnectionStrings:Proxe", $"Host=127.0.0.1;Port={UnusedPort()};Username=postgres;Password=x;Timeout=2"));

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["postgres"].Status);
    }

    [Fact]
    public async Task Missing_connection_string_is_reported_by_name()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CheckReadinessAsync(b => b.AddPostgresReadiness("Missing")));

        Assert.Contains("ConnectionStrings:Missing", ex.Message);
    }

    private static async Task<HealthReport> CheckReadinessAsync(
        Action<IHostApplicationBuilder> addChecks, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        addChecks(builder);
        using var host = builder.Build();
        var checks = host.Services.GetRequiredService<HealthCheckService>();
        return await checks.CheckHealthAsync(c => c.Tags.Contains(Extensions.ReadyTag));
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
