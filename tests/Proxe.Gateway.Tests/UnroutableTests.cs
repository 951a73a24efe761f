using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Publishing;
using Proxe.Testing;

namespace Proxe.Gateway.Tests;

/// <summary>
/// A broker with no queue for the interactions (workers not deployed yet): RabbitMQ returns the message instead of dropping it,
/// so the gateway spools the request (a Twilio callback is not sent twice) and the drain publishes it once the queue exists.
/// </summary>
public sealed class UnroutableTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Interaction_no_queue_is_bound_for_is_spooled_and_published_once_the_queue_exists()
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri, new Dictionary<string, string?> { ["Proxe:Spool:DrainMaxBackoff"] = "00:00:00.500" });
        var client = factory.CreateClient();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var spooled = await PostVoiceAsync(client, $"CA-unroutable-{attempt}");
            Assert.True(spooled.StatusCode == HttpStatusCode.Accepted, $"{(int)spooled.StatusCode}: {await spooled.Content.ReadAsStringAsync()}");
            Assert.True(spooled.Headers.Contains(InteractionPublisher.SpooledHeader));
        }

        Assert.Equal(3, factory.Services.GetRequiredService<ISpoolStatus>().Current.Requests);

        await using (var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("interactions-test", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("interactions-test", GatewayFactory.Exchange, routingKey: "");
        }

        await Poll.UntilAsync("the spool drained", () => Task.FromResult(factory.Services.GetRequiredService<ISpoolStatus>().Current.Requests == 0),
            TimeSpan.FromSeconds(60));
        Assert.Equal(3, await GatewayFactory.CountInteractionsAsync(rabbit, "interactions-test"));

        var live = await PostVoiceAsync(client, "CA-routable");
        Assert.True(live.StatusCode == HttpStatusCode.Accepted, $"{(int)live.StatusCode}: {await live.Content.ReadAsStringAsync()}");
        Assert.False(live.Headers.Contains(InteractionPublisher.SpooledHeader));
        Assert.Equal(4, await GatewayFactory.CountInteractionsAsync(rabbit, "interactions-test"));
    }

    private static Task<HttpResponseMessage> PostVoiceAsync(HttpClient client, string callSid)
    {
        var body = new JsonObject
        {
            ["channel"] = "voice",
            ["external_event_id"] = callSid,
            ["occurred_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["customer"] = new JsonObject { ["phone"] = "+14158675309" },
            ["voice"] = new JsonObject { ["call_sid"] = callSid, ["call_status"] = "ringing" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(InteractionEndpoints.ApiKeyHeader, GatewayFactory.AcmeKey);
        return client.SendAsync(request);
    }
}
