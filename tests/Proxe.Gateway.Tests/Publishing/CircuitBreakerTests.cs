using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Proxe.Contracts;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Publishing;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Publishing;

/// <summary>The publish circuit breaker opens on broker faults only; a request's own data never moves it and never half publishes.</summary>
public sealed class CircuitBreakerTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly PublishingOptions Options = new()
    {
        Timeout = TimeSpan.FromSeconds(1),
        MinimumThroughput = 2,
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Broker_timeouts_open_the_circuit_which_then_rejects_without_calling_the_broker_until_the_break_is_over()
    {
        var pipeline = InteractionBundler.CreatePipeline(Options, _time);
        var calls = 0;
        Func<CancellationToken, ValueTask> brokerThatNeverConfirms = async token =>
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var call = Task.Run(() => pipeline.ExecuteAsync(brokerThatNeverConfirms).AsTask());
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!call.IsCompleted && DateTime.UtcNow < deadline)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10);
            }

            await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        }

        var open = await Assert.ThrowsAsync<BrokenCircuitException>(() => pipeline.ExecuteAsync(brokerThatNeverConfirms).AsTask());
        Assert.Equal(2, calls);
        // The fake clock may have stepped once past the second timeout before the loop saw it end.
        Assert.InRange(open.RetryAfter!.Value, Options.BreakDuration - TimeSpan.FromSeconds(1), Options.BreakDuration);

        _time.Advance(Options.BreakDuration);
        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Returned_messages_unserializable_data_and_the_callers_cancellation_never_open_the_circuit()
    {
        var pipeline = InteractionBundler.CreatePipeline(Options, _time);
        Exception[] notBrokerFaults =
        [
            new MessageReturnedException("NO_ROUTE: no queue is bound for the routing key"),
            new InteractionNotSerializableException(new ArgumentException("invalid UTF-16")),
            new OperationCanceledException(),
        ];

        var calls = 0;
        for (var round = 0; round < 5; round++)
        {
            foreach (var fault in notBrokerFaults)
            {
                var thrown = await Assert.ThrowsAnyAsync<Exception>(() => pipeline.ExecuteAsync(_ => { calls++; throw fault; }).AsTask());
                Assert.Same(fault, thrown);
            }
        }

        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        Assert.Equal(16, calls);
        Assert.True(InteractionBundler.IsBrokerFault(new IOException("connection reset")));
        Assert.True(InteractionBundler.IsBrokerFault(new TimeoutRejectedException()));
    }

    [Fact]
    public async Task Bad_requests_answer_for_themselves_publish_nothing_and_leave_valid_requests_of_every_brand_publishing_live()
    {
        var queue = $"breaker-{Guid.NewGuid():N}";
        await GatewayFactory.BindQueueAsync(rabbit, queue);

        await using var factory = new GatewayFactory(rabbit.AmqpUri, new Dictionary<string, string?> { ["Proxe:Publishing:MinimumThroughput"] = "2" });
        var client = factory.CreateClient();

        // More bad posts than the breaker's minimum throughput; the batch's first interaction is valid, its second is not.
        for (var i = 0; i < 6; i++)
        {
            var bad = await PostAsync(client, GatewayFactory.AcmeKey, Interaction($"good-{i}"), Interaction($"bad-{i}", loneSurrogate: true));
            // Issue 8: a request's own bad data is a 400 for that request, never a 5xx.
            Assert.True(bad.StatusCode is HttpStatusCode.BadRequest, $"{(int)bad.StatusCode}: {await bad.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.False(bad.Headers.Contains(InteractionPublisher.SpooledHeader));
        }

        var valid = await PostAsync(client, GatewayFactory.GlobexKey, Interaction("valid"));
        Assert.True(valid.StatusCode == HttpStatusCode.Accepted, $"{(int)valid.StatusCode}: {await valid.Content.ReadAsStringAsync()}");
        Assert.False(valid.Headers.Contains(InteractionPublisher.SpooledHeader));
        Assert.Equal(1u, await rabbit.GetQueueDepthAsync(queue));
        Assert.Equal(0, factory.Services.GetRequiredService<ISpoolStatus>().Current.Requests);
    }

    [Fact]
    public void Data_that_cannot_be_serialized_is_refused_before_anything_is_sent()
    {
        using var metadata = JsonDocument.Parse("{\"note\":\"\\ud800\"}");
        var interaction = new ChannelInteractionReceived
        {
            InteractionId = Guid.NewGuid(),
            Channel = Channels.Web,
            Brand = "acme",
            ExternalEventId = "e-1",
            OccurredAt = DateTimeOffset.UtcNow,
            ReceivedAt = DateTimeOffset.UtcNow,
            Customer = new CustomerInfo(),
            SessionKey = "visit-1",
            Message = new InteractionMessage { Sender = "customer", Content = "hi", Metadata = metadata.RootElement.Clone() },
        };

        Assert.Throws<InteractionNotSerializableException>(() => SpooledInteractions.Serialize([interaction]));
    }

    private static JsonObject Interaction(string externalEventId, bool loneSurrogate = false) => new()
    {
        ["channel"] = "web",
        ["external_event_id"] = externalEventId,
        ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["customer"] = new JsonObject { ["email"] = "visitor@example.com" },
        ["session_key"] = "visit-1",
        ["message"] = new JsonObject
        {
            ["sender"] = "customer",
            ["content"] = "hi",
            ["metadata"] = loneSurrogate ? JsonNode.Parse("{\"note\":\"LONE\"}") : new JsonObject { ["note"] = "fine" },
        },
    };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string apiKey, params JsonObject[] interactions)
    {
        // JsonNode would escape a real lone surrogate its own way; put the escape in the text the gateway reads.
        var body = new JsonObject { ["interactions"] = new JsonArray(interactions) }.ToJsonString().Replace("LONE", "\\ud800");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(InteractionEndpoints.ApiKeyHeader, apiKey);
        return client.SendAsync(request);
    }
}
