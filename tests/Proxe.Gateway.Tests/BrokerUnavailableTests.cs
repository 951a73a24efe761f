using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Proxe.Gateway.Interactions;

namespace Proxe.Gateway.Tests;

/// <summary>The gateway pointed at a port nothing listens on: it starts, says not ready, and answers 503 fast.</summary>
public sealed class BrokerUnavailableTests : IAsyncLifetime
{
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new GatewayFactory(new Uri($"amqp://guest:guest@127.0.0.1:{ClosedPort()}/"), new Dictionary<string, string?>
        {
            ["Proxe:Publishing:Timeout"] = "00:00:01",
            ["Proxe:Publishing:MinimumThroughput"] = "2",
            ["Proxe:Publishing:BreakDuration"] = "00:00:30",
        });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Starts_live_but_not_ready()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Publish_is_503_with_Retry_After_within_the_timeout_then_fails_fast_once_the_circuit_opens()
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var watch = Stopwatch.StartNew();
            var response = await PostAsync($"e-{attempt}");
            watch.Stop();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        }

        // Two failures opened the circuit: the next request does not wait for the broker at all.
        var open = Stopwatch.StartNew();
        var rejected = await PostAsync("e-open");
        open.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.True(open.Elapsed < TimeSpan.FromMilliseconds(900), $"took {open.Elapsed}");
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        var problem = await rejected.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(503, problem!["status"]!.GetValue<int>());
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
        return _client.SendAsync(request);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
