using Proxe.Testing;

namespace Proxe.Gateway.Tests.Publishing;

/// <summary>The spool's gauges are scraped from the start, before anything was spooled, so an alert can rely on them.</summary>
public sealed class SpoolMetricsTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task The_gateway_exposes_spool_depth_and_oldest_age_at_zero_when_nothing_waits()
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri);
        var scrape = await factory.CreateClient().GetStringAsync("/metrics");

        Assert.Matches(@"(?m)^proxe_spool_depth(_events)?(\{[^}]*\})? 0$", scrape);
        Assert.Matches(@"(?m)^proxe_spool_oldest_age_seconds(\{[^}]*\})? 0$", scrape);
    }
}
