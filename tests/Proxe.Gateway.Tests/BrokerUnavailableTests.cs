using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Tests;

/// <summary>
/// The gateway pointed at a port nothing listens on, on a fake clock: it starts ready (degraded), waits for the broker at
/// most the publish timeout, spools, and from then on answers from the spool without waiting for the broker at all.
/// </summary>
public sealed class BrokerUnavailableTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private GatewayFactory _factory = null!;
    private WebApplicationFactoryClient _gateway = null!;

    public Task InitializeAsync()
    {
        _factory = new GatewayFactory(new Uri($"amqp://guest:guest@127.0.0.1:{ClosedPort()}/"), new Dictionary<string, string?>
        {
            ["Proxe:Publishing:Timeout"] = "00:00:01",
            ["Proxe:Publishing:MinimumThroughput"] = "2",
            ["Proxe:Publishing:BreakDuration"] = "00:00:30",
        });
        _gateway = new WebApplicationFactoryClient(_factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_time))));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Starts_live_and_ready_but_degraded_because_the_spool_takes_what_the_broker_cannot()
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.GetAsync("/health/live")).StatusCode);

        var ready = await _gateway.Client.GetAsync("/health/ready");
        var body = await ready.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", body!["status"]!.GetValue<string>());
        Assert.Equal("Degraded", body["checks"]!["rabbitmq-bus"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["spool"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_first_request_waits_for_the_broker_no_longer_than_the_timeout_then_every_request_is_spooled_without_waiting()
    {
        var first = PostAsync("e-0");

        // Only the publish timeout (fake clock) ends the wait for the broker that never answers.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!first.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(20);
        }

        var spooled = await first;
        Assert.Equal(HttpStatusCode.Accepted, spooled.StatusCode);
        Assert.Equal("true", spooled.Headers.GetValues(InteractionPublisher.SpooledHeader).Single());

        // The clock stands still from here: a request that went to the broker would wait for a timeout that never comes.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var response = await PostAsync($"e-{attempt}").WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(response.Headers.Contains(InteractionPublisher.SpooledHeader));
        }

        var status = _gateway.Services.GetRequiredService<ISpoolStatus>().Current;
        Assert.Equal(4, status.Requests);
    }

    private Task<HttpResponseMessage> PostAsync(string externalEventId)
    {
        var body = new JsonObject
        {
            ["channel"] = "web",
            ["external_event_id"] = externalEventId,
            ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["customer"] = new JsonObject { ["email"] = "visitor@example.com" },
            ["session_key"] = "visit-1",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(InteractionEndpoints.ApiKeyHeader, GatewayFactory.AcmeKey);
        return _gateway.Client.SendAsync(request);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class WebApplicationFactoryClient(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
    {
        public HttpClient Client { get; } = factory.CreateClient();
        public IServiceProvider Services => factory.Services;
    }
}
