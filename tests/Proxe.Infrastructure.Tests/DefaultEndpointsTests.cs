using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Proxe.ServiceDefaults;
using Proxe.Testing;

namespace Proxe.Infrastructure.Tests;

/// <summary>/health/live, /health/ready and /metrics as every service maps them, served by a real Kestrel on loopback.</summary>
public sealed class DefaultEndpointsTests(PostgresDatabaseFixture postgres) : IClassFixture<PostgresDatabaseFixture>
{
    const string Password = "pw-that-must-never-show-7Qx";

    [Fact]
    public async Task Ready_says_which_dependency_is_down_and_why_without_its_credentials()
    {
        await using var app = await StartAsync(("ConnectionStrings:Proxe", $"Host=127.0.0.1;Port={UnusedPort()};Username=proxe_app;Password={Password};Timeout=2"),
            builder => builder.AddPostgresReadiness());

        var response = await app.Client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var report = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var check = report.GetProperty("checks").GetProperty("postgres");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("127.0.0.1", check.GetProperty("description").GetString());
        Assert.False(string.IsNullOrEmpty(check.GetProperty("error").GetString()));
        Assert.DoesNotContain(Password, body);
    }

    [Fact]
    public async Task Ready_reports_every_check_with_its_data_and_live_ignores_them()
    {
        await using var app = await StartAsync(("ConnectionStrings:Proxe", postgres.ConnectionStringFor("proxe_reader")), builder =>
        {
            builder.AddPostgresReadiness();
            builder.Services.AddHealthChecks().AddCheck("consumers", () => HealthCheckResult.Degraded("2 of 4 endpoints paused by the kill switch",
                data: new Dictionary<string, object> { ["paused"] = new[] { "web-interactions", "voice-interactions" }, ["broker"] = $"amqp://proxe:{Password}@mq:5672/" }),
                [Extensions.ReadyTag]);
        });

        var ready = await app.Client.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        var live = await app.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // Degraded still serves
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres").GetProperty("status").GetString());
        var consumers = checks.GetProperty("consumers");
        Assert.Equal("Degraded", consumers.GetProperty("status").GetString());
        Assert.Equal("2 of 4 endpoints paused by the kill switch", consumers.GetProperty("description").GetString());
        Assert.Equal(["web-interactions", "voice-interactions"], consumers.GetProperty("data").GetProperty("paused").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("amqp://***@mq:5672/", consumers.GetProperty("data").GetProperty("broker").GetString());
        Assert.DoesNotContain(Password, body);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(["self"], JsonDocument.Parse(await live.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("Host=db;Username=app;Password=abc;Database=proxe", "Host=db;Username=app;Password=***;Database=proxe")]
    [InlineData("host=db password = 'a b;c' user=app", "host=db password=*** user=app")]
    [InlineData("failed for amqps://user:p%40ss@mq.internal:5671/prod", "failed for amqps://***@mq.internal:5671/prod")]
    [InlineData("rabbitmq://mq/prod/web-interactions is not ready", "rabbitmq://mq/prod/web-interactions is not ready")]
    public void Redact_blanks_passwords_and_user_info_only(string text, string expected) =>
        Assert.Equal(expected, HealthReportWriter.Redact(text));

    [Fact]
    public async Task Metrics_are_served_for_Prometheus_with_the_request_counts_by_endpoint_and_status()
    {
        await using var app = await StartAsync(("ConnectionStrings:Proxe", postgres.ConnectionStringFor("proxe_reader")), builder => builder.AddPostgresReadiness(),
            web => web.MapGet("/hello/{name}", (string name) => TypedResultsOk(name)));

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/hello/ann")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/nothing-here")).StatusCode);

        // The exporter caches a scrape for a moment; poll until this request shows.
        var text = await PollAsync(() => app.Client.GetStringAsync("/metrics"), metrics => metrics.Contains("http_route=\"/hello/{name}\""));
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_response_status_code=\"200\"[^}]*http_route=\"/hello/\\{name\\}\"", text);
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_response_status_code=\"404\"", text);
        Assert.Contains("dotnet_gc_collections_total", text);
    }

    static string TypedResultsOk(string name) => $"hello {name}";

    static Task<string> PollAsync(Func<Task<string>> read, Func<string, bool> until) =>
        Poll.ForAsync("/metrics showed the request", read, until, TimeSpan.FromSeconds(20), scrape => "\n" + scrape);

    static async Task<RunningApp> StartAsync((string Key, string Value) setting, Action<WebApplicationBuilder> configure, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[setting.Key] = setting.Value;
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        configure(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RunningApp(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    sealed record RunningApp(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
        }
    }

    static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
