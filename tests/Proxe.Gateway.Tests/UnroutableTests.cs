using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Proxe.Contracts;
using Proxe.Gateway.Interactions;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests;

/// <summary>A broker with no queue for the channel (workers not deployed yet): the gateway must not say 202 for a message RabbitMQ drops.</summary>
public sealed class UnroutableTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Interaction_no_queue_is_bound_for_is_503_and_accepted_once_the_queue_exists()
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri);
        var client = factory.CreateClient();

        // More refusals than the breaker's minimum throughput: a returned message must not open the circuit.
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var refused = await PostVoiceAsync(client);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}");
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        await using (var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("voice-test", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("voice-test", "Proxe.Contracts:ChannelInteractionReceived", Channels.Voice);
        }

        var accepted = await PostVoiceAsync(client);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        Assert.Equal(1u, await rabbit.GetQueueDepthAsync("voice-test"));
    }

    private static Task<HttpResponseMessage> PostVoiceAsync(HttpClient client)
    {
        var body = new JsonObject
        {
            ["channel"] = "voice",
            ["external_event_id"] = "CA-unroutable",
            ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["customer"] = new JsonObject { ["phone"] = "+14158675309" },
            ["voice"] = new JsonObject { ["call_sid"] = "CA-unroutable", ["call_status"] = "ringing" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(InteractionEndpoints.ApiKeyHeader, GatewayFactory.AcmeKey);
        return client.SendAsync(request);
    }
}
