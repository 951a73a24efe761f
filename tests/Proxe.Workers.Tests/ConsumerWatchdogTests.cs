using Proxe.Contracts;
using Proxe.Messaging;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The worker with a watchdog that looks every 200 ms and restarts the bus after 2 s without a consumer.</summary>
public sealed class WatchedWorkerHost : WorkerHost
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Proxe:Workers:ConsumerCheckInterval", "00:00:00.200"),
        ("Proxe:Workers:ConsumerlessRestartAfter", "00:00:02"),
    ];
}

public sealed class ConsumerWatchdogTests(WatchedWorkerHost host) : IClassFixture<WatchedWorkerHost>
{
    [Fact]
    public async Task An_endpoint_whose_consumer_the_broker_lost_without_a_word_consumes_again_and_records_what_waited()
    {
        var brand = Brand("watchdog");
        var queue = MessagingTopology.QueueFor(Channels.Web);
        await host.RecordAsync(Web(brand, "before", "before", T0, Person("+61491572000"), Text("before")));

        // MassTransit goes on believing it consumes: nothing of its own brings the consumer back.
        await host.Broker.DropConsumersSilentlyAsync(queue);
        await host.PublishAsync(Web(brand, "waiting", "waiting", T0.AddMinutes(1), Person("+61491572000"), Text("while lost")));

        await WorkerHost.WaitUntilAsync("the broker has a consumer on the queue again",
            async () => await host.Broker.GetConsumerCountAsync(queue) > 0, TimeSpan.FromSeconds(30));
        await WorkerHost.WaitUntilAsync("the interaction that waited is recorded", async () =>
            await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)) == 2);
    }
}
