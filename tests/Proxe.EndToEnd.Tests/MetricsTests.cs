using System.Net;
using System.Text.RegularExpressions;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>What Prometheus scrapes from the gateway and the workers after interactions went through.</summary>
public sealed class MetricsTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    [Fact]
    public async Task The_workers_expose_end_to_end_and_journey_lag_and_SQL_timings_and_the_gateway_its_requests_and_publishes()
    {
        var brand = host.Brand("proxe3");
        var eventId = $"web-metrics-{Guid.NewGuid():N}";
        await host.PostAndWaitAsync(brand, Channels.Web, eventId, Web(eventId, T0, Customer("Ann", "+1 415 555 0100"), "web-metrics", Message("Hello")));

        using var workers = host.CreateWorkersClient();
        var scrape = await EndToEndHost.WaitForAsync("the workers' /metrics show the committed interaction and the journey's step",
            () => workers.GetStringAsync("/metrics"),
            text => Count(text, "proxe_interaction_lag_seconds_count", "brand=\"proxe3\"", "channel=\"web\"") >= 1
                && Count(text, "proxe_journey_lag_seconds_count", "channel=\"web\"") >= 1
                && Count(text, "proxe_transaction_size_count", "channel=\"web\"") >= 1);

        Assert.True(Count(scrape, "proxe_interaction_lag_seconds_count", "brand=\"proxe3\"", "channel=\"web\"") >= 1, scrape);
        Assert.True(Count(scrape, "proxe_journey_lag_seconds_count", "channel=\"web\"") >= 1, scrape);
        Assert.True(Count(scrape, "proxe_transaction_size_count", "channel=\"web\"") >= 1, scrape);
        // Buckets in seconds, from milliseconds to a quarter of an hour, not the SDK's default (made for milliseconds).
        // (At least one: in this test process every host's meters are seen by every host's exporter.)
        Assert.True(Count(scrape, "proxe_interaction_lag_seconds_bucket", "brand=\"proxe3\"", "le=\"900\"") >= 1, scrape);
        Assert.Contains("db_client_operation_duration_seconds_count", scrape);

        // MassTransit's own counters (messaging_masstransit_*) are not asserted here: with many buses started and
        // disposed in one test process they come and go; the fault tool checks them on real processes.
        var gateway = await EndToEndHost.WaitForAsync("the gateway's /metrics show the accepted POST and its publish",
            () => host.Client.GetStringAsync("/metrics"), text => text.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal)
                && text.Contains("proxe_publish_duration_seconds_count", StringComparison.Ordinal));
        Assert.True(Count(gateway, "http_server_request_duration_seconds_count", "http_response_status_code=\"202\"", "http_route=\"/v1/interactions\"") >= 1, gateway);
        // How long the broker took to confirm: the first thing to read when acks get slow.
        Assert.True(Count(gateway, "proxe_publish_duration_seconds_count") >= 1, gateway);
        // Buckets from a millisecond up, not the SDK's default (0, 5, 10, 25... made for milliseconds).
        Assert.Matches(new Regex("""^proxe_publish_duration_seconds_bucket\{[^}]*le="0\.001"[^}]*\} """, RegexOptions.Multiline), gateway);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/metrics")).StatusCode);
    }

    /// <summary>The sum of a Prometheus series' samples whose labels include all of <paramref name="labels"/>.</summary>
    static double Count(string scrape, string metric, params string[] labels) =>
        Regex.Matches(scrape, $@"^{Regex.Escape(metric)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)", RegexOptions.Multiline)
            .Where(m => labels.All(label => m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
}
