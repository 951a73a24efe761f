using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Gateway.Publishing;
using Proxe.Gateway.Tests.Providers;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests.Publishing;

/// <summary>
/// The gateway reaches the shared RabbitMQ through a <see cref="TcpProxy"/>; cutting it is the broker outage.
/// Every request answers 2xx from the spool, and once the broker is back each interaction sits in the queue once.
/// </summary>
public sealed class SpoolOutageTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string TwilioStatusUrl = "http://localhost/webhooks/twilio/voice/status";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _queue = $"spool-{Guid.NewGuid():N}";
    private readonly List<string> _spools = [];
    private TcpProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        await GatewayFactory.BindQueueAsync(rabbit, _queue);
        _proxy = new TcpProxy(rabbit.Host, rabbit.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        foreach (var spool in _spools.Where(Directory.Exists))
            Directory.Delete(spool, recursive: true);
    }

    [Fact]
    public async Task Broker_outage_answers_2xx_from_the_spool_and_each_interaction_reaches_the_queue_once_it_is_back()
    {
        await using var gateway = Gateway(NewSpool());
        var client = gateway.CreateClient();
        var expected = new List<Guid>();

        var live = await PostInteractionAsync(client, "before-outage");
        await AssertStatusAsync(HttpStatusCode.Accepted, live);
        Assert.False(live.Headers.Contains(InteractionPublisher.SpooledHeader));
        expected.Add(InteractionIds.For("acme", Channels.Web, "before-outage"));
        await rabbit.WaitForQueueDepthAsync(_queue, 1);

        _proxy.Cut();
        for (var i = 0; i < 8; i++)
        {
            var response = await PostInteractionAsync(client, $"during-outage-{i}");
            await AssertStatusAsync(HttpStatusCode.Accepted, response);
            Assert.Equal("true", response.Headers.GetValues(InteractionPublisher.SpooledHeader).Single());
            expected.Add(InteractionIds.For("acme", Channels.Web, $"during-outage-{i}"));
        }

        // Twilio never retries its callbacks: these are the ones a 503 used to lose.
        for (var sequence = 0; sequence < 4; sequence++)
        {
            var response = await PostTwilioStatusAsync(client, sequence);
            await AssertStatusAsync(HttpStatusCode.NoContent, response);
            Assert.True(response.Headers.Contains(InteractionPublisher.SpooledHeader));
            expected.Add(InteractionIds.For("acme", Channels.Voice, $"CA-spool-test:status:{sequence}"));
        }

        var status = gateway.Services.GetRequiredService<ISpoolStatus>().Current;
        Assert.Equal((12, 12, true, false), (status.Requests, status.Interactions, status.Writable, status.Full));
        var onDisk = Directory.GetFiles(gateway.SpoolDirectory, "*.seg").Sum(f => new FileInfo(f).Length);
        Assert.True(onDisk >= status.Bytes && status.Bytes > 0, $"{onDisk} bytes on disk for {status.Bytes} spooled");

        var ready = await ReadinessAsync(client);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Degraded", ready.Body["status"]!.GetValue<string>());
        var spool = ready.Body["checks"]!["spool"]!;
        Assert.Equal("Degraded", spool["status"]!.GetValue<string>());
        Assert.Equal(12, spool["data"]!["requests"]!.GetValue<int>());
        Assert.Equal(1u, await rabbit.GetQueueDepthAsync(_queue));

        _proxy.Restore();
        await WaitUntilAsync("the spool drained", () => Task.FromResult(gateway.Services.GetRequiredService<ISpoolStatus>().Current.Requests == 0));

        Assert.Equal(expected.Order(), (await TakeInteractionIdsAsync()).Order());
        var after = await PostInteractionAsync(client, "after-outage");
        await AssertStatusAsync(HttpStatusCode.Accepted, after);
        Assert.False(after.Headers.Contains(InteractionPublisher.SpooledHeader));
        await WaitUntilAsync("readiness Healthy again", async () => (await ReadinessAsync(client)).Body["status"]!.GetValue<string>() == "Healthy");
    }

    [Fact]
    public async Task A_restarted_gateway_drains_the_spool_it_finds_and_ignores_a_record_torn_by_a_crash()
    {
        var directory = NewSpool();
        var expected = new List<Guid>();
        _proxy.Cut();
        await using (var first = Gateway(directory))
        {
            var client = first.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                await AssertStatusAsync(HttpStatusCode.Accepted, await PostInteractionAsync(client, $"before-restart-{i}"));
                expected.Add(InteractionIds.For("acme", Channels.Web, $"before-restart-{i}"));
            }

            Assert.Equal(5, first.Services.GetRequiredService<ISpoolStatus>().Current.Requests);
        }

        // What kill -9 in the middle of a sixth write leaves: a header and part of its payload, never acknowledged.
        var segment = Directory.GetFiles(directory, "*.seg").Where(f => new FileInfo(f).Length > 0).Order().Last();
        var whole = await File.ReadAllBytesAsync(segment);
        await using (var file = new FileStream(segment, FileMode.Append))
            file.Write(whole.AsSpan(0, Math.Min(whole.Length, 40)));

        _proxy.Restore();
        await using var second = Gateway(directory);
        _ = second.CreateClient(); // starts the host; nothing is posted to it
        await WaitUntilAsync("the spool drained", () => Task.FromResult(second.Services.GetRequiredService<ISpoolStatus>().Current.Requests == 0));

        Assert.Equal(expected.Order(), (await TakeInteractionIdsAsync()).Order());
    }

    [Fact]
    public async Task A_full_spool_is_503_with_Retry_After_and_unready_until_it_drains()
    {
        _proxy.Cut();
        await using var gateway = Gateway(NewSpool(), new()
        {
            ["Proxe:Spool:MaxInteractions"] = "2",
            ["Proxe:Spool:RetryAfter"] = "00:00:07",
        });
        var client = gateway.CreateClient();

        await AssertStatusAsync(HttpStatusCode.Accepted, await PostInteractionAsync(client, "fits-1"));
        await AssertStatusAsync(HttpStatusCode.Accepted, await PostInteractionAsync(client, "fits-2"));
        var refused = await PostInteractionAsync(client, "over");

        await AssertStatusAsync(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
        Assert.False(refused.Headers.Contains(InteractionPublisher.SpooledHeader));
        var unready = await ReadinessAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.Status);
        Assert.Equal("Unhealthy", unready.Body["checks"]!["spool"]!["status"]!.GetValue<string>());
        Assert.True(unready.Body["checks"]!["spool"]!["data"]!["full"]!.GetValue<bool>());

        _proxy.Restore();
        await WaitUntilAsync("the spool drained", () => Task.FromResult(gateway.Services.GetRequiredService<ISpoolStatus>().Current.Requests == 0));
        await AssertStatusAsync(HttpStatusCode.Accepted, await PostInteractionAsync(client, "over"));

        Assert.Equal(new[] { "fits-1", "fits-2", "over" }.Select(e => InteractionIds.For("acme", Channels.Web, e)).Order(), (await TakeInteractionIdsAsync()).Order());
    }

    [Fact]
    public async Task Under_steady_load_an_outage_and_the_return_to_live_publishing_lose_nothing()
    {
        await using var gateway = Gateway(NewSpool());
        var client = gateway.CreateClient();
        var spool = gateway.Services.GetRequiredService<ISpoolStatus>();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var refused = new System.Collections.Concurrent.ConcurrentBag<string>();
        var spooledAnswers = 0;
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"load-{c}-{i}";
                var response = await PostInteractionAsync(client, id);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(InteractionIds.For("acme", Channels.Web, id));
                    if (response.Headers.Contains(InteractionPublisher.SpooledHeader))
                        Interlocked.Increment(ref spooledAnswers);
                }
                else
                {
                    refused.Add($"{id}: {(int)response.StatusCode}");
                }
            }
        })).ToList();

        await WaitUntilAsync("some interactions published live", () => Task.FromResult(accepted.Count >= 50));
        _proxy.Cut();
        await WaitUntilAsync("interactions spooled during the outage", () => Task.FromResult(spool.Current.Requests >= 100));
        _proxy.Restore();
        var countAtRestore = accepted.Count;
        // Load goes on while the drain catches up; the gateway must end up publishing live again.
        await WaitUntilAsync("the spool drained under load", () => Task.FromResult(spool.Current.Requests == 0 && accepted.Count > countAtRestore + 100));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(refused);
        Assert.True(spooledAnswers >= 100, $"{spooledAnswers} answers said spooled");
        await WaitUntilAsync("the spool drained", () => Task.FromResult(spool.Current.Requests == 0));
        // A publish cut off after the broker took it but before its confirm is spooled and published again: a second
        // copy of the same interactions, which the idempotent workers ignore. Never an id nobody was answered 2xx for.
        var queued = await TakeInteractionIdsAsync();
        Assert.Equal(accepted.Order(), queued.Distinct().Order());
    }

    private sealed class SpoolingGateway(Uri broker, string spoolDirectory, Dictionary<string, string?> settings) : IAsyncDisposable
    {
        private readonly GatewayFactory _factory = new(broker, settings);

        public string SpoolDirectory { get; } = spoolDirectory;
        public IServiceProvider Services => _factory.Services;
        public HttpClient CreateClient() => _factory.CreateClient();
        public ValueTask DisposeAsync() => _factory.DisposeAsync();
    }

    private SpoolingGateway Gateway(string spoolDirectory, Dictionary<string, string?>? extra = null)
    {
        var settings = ProviderTestData.Settings();
        settings["Proxe:Spool:Directory"] = spoolDirectory;
        settings["Proxe:Spool:DrainMaxBackoff"] = "00:00:00.500";
        settings["Proxe:Publishing:Timeout"] = "00:00:01";
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        var broker = new UriBuilder(rabbit.AmqpUri) { Host = "127.0.0.1", Port = _proxy.Port }.Uri;
        return new SpoolingGateway(broker, spoolDirectory, settings);
    }

    private string NewSpool()
    {
        var directory = GatewayFactory.NewSpoolDirectory();
        _spools.Add(directory);
        return directory;
    }

    private static Task<HttpResponseMessage> PostInteractionAsync(HttpClient client, string externalEventId)
    {
        var body = new JsonObject
        {
            ["channel"] = "web",
            ["external_event_id"] = externalEventId,
            ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["customer"] = new JsonObject { ["email"] = "visitor@example.com" },
            ["session_key"] = "visit-1",
            ["message"] = new JsonObject { ["sender"] = "customer", ["content"] = "Is the 2BHK still available?" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(InteractionEndpoints.ApiKeyHeader, GatewayFactory.AcmeKey);
        return client.SendAsync(request);
    }

    /// <summary>The Twilio sample's status callback, one per SequenceNumber, signed with the acme token.</summary>
    private static Task<HttpResponseMessage> PostTwilioStatusAsync(HttpClient client, int sequence)
    {
        var form = QueryHelpers.ParseQuery(ProviderTestData.SampleText("twilio_voice_status_completed.form"));
        form.Remove("Timestamp"); // the sample's 2018 time; the gateway takes its receive time instead
        form["SequenceNumber"] = sequence.ToString();
        form["CallSid"] = "CA-spool-test";
        var body = string.Join("&", form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/twilio/voice/status") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add(TwilioSignature.Header, TwilioSignature.Sign(TwilioStatusUrl, form, ProviderTestData.TwilioToken));
        return client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!);
    }

    /// <summary>
    /// Takes every message off the test's queue and returns the ids of the interactions they carry. Final once the spool
    /// is drained: a live request is confirmed before its 2xx, the drain moves past requests only once they are confirmed.
    /// </summary>
    private async Task<List<Guid>> TakeInteractionIdsAsync()
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ids = new List<Guid>();
        while (await channel.BasicGetAsync(_queue, autoAck: true) is { } message)
            ids.AddRange(GatewayFactory.InteractionsOf(message.Body).Select(interaction => interaction["interactionId"]!.GetValue<Guid>()));
        return ids;
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response) =>
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    private static Task WaitUntilAsync(string what, Func<Task<bool>> condition) => Poll.UntilAsync(what, condition, Patience);
}
