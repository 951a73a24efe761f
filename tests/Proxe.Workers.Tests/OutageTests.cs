using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proxe.Contracts;
using Proxe.Messaging;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The worker behind proxies a test can cut, with short pauses so an outage cycles through them quickly.</summary>
public sealed class ProxiedWorkerHost() : WorkerHost(proxied: true)
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Proxe:Workers:OutageRetryMaxInterval", "00:00:00.500"),
        ("Proxe:Workers:PauseRestartTimeout", "00:00:02"),
    ];
}

/// <summary>PostgreSQL and RabbitMQ going away under the worker, and coming back: nothing dead-lettered, nothing lost.</summary>
public sealed class OutageTests(ProxiedWorkerHost host) : IClassFixture<ProxiedWorkerHost>
{
    static readonly string[] ConsumedQueues = [MessagingTopology.InteractionsQueue, .. Channels.All.Select(MessagingTopology.QueueFor), MessagingTopology.LeadJourneyQueue];

    /// <summary>The policy before this one: 10 tries, backoff capped at 1 s in these tests, then the _error queue.</summary>
    static readonly TimeSpan OldRetryBudget = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task A_database_outage_longer_than_any_retry_budget_pauses_consumption_and_loses_nothing()
    {
        var brand = Brand("db-outage");
        await host.RecordAsync(Web(brand, "web-warm", "web-warm", T0, Person("+61491571000"), Text("before the outage")));

        host.DatabaseProxy!.Cut();
        var cut = Stopwatch.StartNew();
        var during = Enumerable.Range(1, 30).Select(i => i % 2 == 0
            ? Web(brand, $"web-{i}", $"web-{i}", T0.AddMinutes(i), Person($"+614915710{i:00}"), Text($"during {i}"))
            : WhatsApp(brand, $"614915720{i:00}", $"wamid.{i}", T0.AddMinutes(i), Text($"during {i}"))).ToArray();
        await host.PublishAsync(during);

        var paused = await WaitForReadinessAsync("consumption is reported paused", report =>
            report.Entries.TryGetValue("consumption", out var consumption) && consumption.Status == HealthStatus.Unhealthy);
        Assert.Contains("paused", paused.Entries["consumption"].Description);
        Assert.Equal(HealthStatus.Unhealthy, paused.Status);
        using (var client = host.Factory.CreateClient())
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

        await WorkerHost.WaitUntilAsync("the outage outlasted the old retry budget, the endpoints still paused", async () =>
            cut.Elapsed > OldRetryBudget && (await ReadinessAsync()).Entries["consumption"].Status == HealthStatus.Unhealthy);
        Assert.Equal(0u, await ErrorMessagesAsync());

        host.DatabaseProxy.Restore();

        await WorkerHost.WaitUntilAsync("every interaction of the outage is recorded", async () =>
            await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)) == 31, TimeSpan.FromSeconds(90));
        await host.WaitForJourneyCountAsync(brand, 31);
        await WaitForReadinessAsync("the worker is ready again", report => report.Status == HealthStatus.Healthy);

        Assert.Equal(0u, await ErrorMessagesAsync());
        Assert.Equal(31L, await host.ScalarAsync<long>("SELECT count(DISTINCT external_id) FROM messages WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(31L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(15L, await host.ScalarAsync<long>("SELECT coalesce(sum(message_count), 0) FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task After_a_broker_outage_every_endpoint_consumes_again_and_readiness_says_so()
    {
        var brand = Brand("mq-outage");
        await host.RecordAsync(Web(brand, "web-before", "web-before", T0, Person("+61491573000"), Text("before the outage")));
        // In flight when the broker goes: batches being filled, recorded, or publishing their events.
        var inFlight = Enumerable.Range(1, 40).Select(i => i % 2 == 0
            ? Web(brand, $"web-{i}", $"web-{i}", T0.AddSeconds(i), Person($"+614915740{i:00}"), Text($"in flight {i}"))
            : WhatsApp(brand, $"614915750{i:00}", $"wamid.flight.{i}", T0.AddSeconds(i), Text($"in flight {i}"))).ToArray();
        await host.PublishAsync(inFlight);

        host.BrokerProxy!.Cut();
        await WaitForReadinessAsync("readiness sees the bus down", report =>
            report.Entries.TryGetValue("receive-endpoints", out var bus) && bus.Status == HealthStatus.Unhealthy);
        host.BrokerProxy.Restore();

        await WaitForReadinessAsync("every endpoint is back", report => report.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(90));
        foreach (var queue in ConsumedQueues)
            Assert.True(await host.Broker.GetConsumerCountAsync(queue) >= 1, $"{queue} has no consumer");

        var after = new[]
        {
            Web(brand, "web-after", "web-after", T0.AddMinutes(1), Person("+61491573001"), Text("after")),
            WhatsApp(brand, "61491573002", "wamid.after", T0.AddMinutes(2), Text("after")),
            Voice(brand, "CA-after", "CA-after:1", T0.AddMinutes(3), "+61491573003", Text("after", Senders.System)),
            Social(brand, Platforms.Instagram, "ig-after", "mid.after", T0.AddMinutes(4), Person(), Text("after")),
        };
        await host.PublishAsync(after);
        await host.WaitForJourneyCountAsync(brand, 45);
        Assert.Equal(45L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(20L, await host.ScalarAsync<long>("SELECT coalesce(sum(message_count), 0) FROM web_sessions WHERE brand = @brand AND external_session_id LIKE 'web-%' AND external_session_id <> 'web-before' AND external_session_id <> 'web-after'", ("brand", brand)));
        Assert.Equal(0u, await ErrorMessagesAsync());
    }

    Task<HealthReport> ReadinessAsync() =>
        host.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(ServiceDefaults.Extensions.ReadyTag));

    async Task<HealthReport> WaitForReadinessAsync(string what, Func<HealthReport, bool> condition, TimeSpan? timeout = null)
    {
        HealthReport? report = null;
        await WorkerHost.WaitUntilAsync(what, async () => condition(report = await ReadinessAsync()), timeout);
        return report!;
    }

    async Task<uint> ErrorMessagesAsync()
    {
        uint total = 0;
        foreach (var queue in ConsumedQueues)
            total += await host.Broker.GetQueueDepthAsync(queue + "_error");
        return total;
    }
}
