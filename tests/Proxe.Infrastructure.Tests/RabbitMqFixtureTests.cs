using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Infrastructure.Tests;

public sealed class RabbitMqFixtureTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public void Amqp_uri_names_the_fixture_vhost()
    {
        Assert.StartsWith("proxe-test-", rabbit.VirtualHost);
        Assert.Equal("/" + rabbit.VirtualHost, rabbit.AmqpUri.AbsolutePath);
        Assert.Equal(rabbit.Port, rabbit.AmqpUri.Port);
        Assert.Equal(rabbit.Host, rabbit.AmqpUri.Host);
    }

    [Fact]
    public async Task Queue_depth_and_peek_see_what_was_published_and_leave_it_in_place()
    {
        var queue = $"depth-{Guid.NewGuid():N}";
        await using (var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
            foreach (var text in new[] { "first", "second" })
            {
                var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["MT-Reason"] = "fault" } };
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(text));
            }
        }

        Assert.Equal(2u, await rabbit.WaitForQueueDepthAsync(queue, 2));

        var peeked = await rabbit.PeekMessagesAsync(queue, count: 5);

        Assert.Equal(["first", "second"], peeked.Select(m => m.Payload));
        Assert.All(peeked, m => Assert.Equal("fault", m.Headers["MT-Reason"].GetString()));
        Assert.Equal(2u, await rabbit.GetQueueDepthAsync(queue));
    }

    [Fact]
    public async Task Depth_of_a_missing_queue_is_zero()
    {
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync($"missing-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task Waiting_for_messages_that_never_come_times_out_with_the_queue_name()
    {
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => rabbit.WaitForQueueDepthAsync("never-filled", 1, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("never-filled", ex.Message);
    }

    [Fact]
    public async Task Dispose_deletes_the_vhost()
    {
        var other = new RabbitMqFixture();
        await other.InitializeAsync();
        using var management = new HttpClient { BaseAddress = other.ManagementUri };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{other.Username}:{other.Password}")));
        var vhost = $"api/vhosts/{other.VirtualHost}";
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync(vhost)).StatusCode);

        await other.DisposeAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync(vhost)).StatusCode);
    }
}
