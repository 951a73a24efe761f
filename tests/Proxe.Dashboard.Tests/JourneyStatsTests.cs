using System.Net;
using System.Text.Json;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class JourneyStatsTests(DashboardApp app)
{
    private const string January = "from=2025-01-01&to=2025-02-01";

    [Fact]
    public async Task Journey_paths_are_channels_in_order_of_first_use_counted_per_brand()
    {
        var acme = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/stats/journeys?{January}");

        Assert.Equal(4, acme.GetProperty("total").GetInt32());
        var paths = acme.GetProperty("paths").EnumerateArray()
            .ToDictionary(p => string.Join(">", p.GetProperty("path").Strings()), p => p.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["web>whatsapp"] = 1, ["whatsapp"] = 1, ["voice>web>whatsapp"] = 1, ["social"] = 1 }, paths);
        Assert.Contains(acme.GetProperty("paths").EnumerateArray(), p => p.GetProperty("label").GetString() == "Voice → Web → WhatsApp");

        var pairs = acme.GetProperty("first_last").EnumerateArray()
            .Select(p => $"{p.GetProperty("first").GetString()}>{p.GetProperty("last").GetString()}={p.GetProperty("count").GetInt32()}").Order();
        Assert.Equal(["social>social=1", "voice>whatsapp=1", "web>whatsapp=1", "whatsapp>whatsapp=1"], pairs);

        var agency = await app.Client(DashboardApp.AgencyKey).GetJsonAsync($"/api/stats/journeys?{January}");
        Assert.Equal(6, agency.GetProperty("total").GetInt32());
        var top = agency.GetProperty("paths")[0];
        Assert.Equal(["web", "whatsapp"], top.GetProperty("path").Strings());
        Assert.Equal(2, top.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_range_is_on_first_interaction_time_and_to_is_exclusive()
    {
        // John (01-01 10:00) and Meera (01-01 08:00) were first seen on January 1st; created_at plays no part.
        var day = await app.Client(DashboardApp.AcmeKey).GetJsonAsync("/api/stats/journeys?from=2025-01-01&to=2025-01-02");
        Assert.Equal(2, day.GetProperty("total").GetInt32());

        var none = await app.Client(DashboardApp.AcmeKey).GetJsonAsync("/api/stats/journeys?from=2025-01-01T10:00:01Z&to=2025-01-02T11:00:00Z");
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task New_leads_per_first_touchpoint_and_active_leads_per_channel_by_day()
    {
        var stats = await app.Client(DashboardApp.AcmeKey).GetJsonAsync("/api/stats/leads?from=2025-01-01&to=2025-01-07&interval=day");

        Assert.Equal(4, stats.GetProperty("total").GetInt32());
        var buckets = stats.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(6, buckets.Count);
        Assert.Equal(DateTime.Parse("2025-01-01T00:00:00Z").ToUniversalTime(), buckets[0].GetProperty("start").GetDateTime().ToUniversalTime());

        Assert.Equal([1, 0, 0, 1], Counts(buckets[0].GetProperty("new_leads")));   // John (web), Meera (social)
        Assert.Equal([0, 1, 0, 0], Counts(buckets[1].GetProperty("new_leads")));   // Priya
        Assert.Equal([0, 0, 1, 0], Counts(buckets[3].GetProperty("new_leads")));   // Ravi
        Assert.Equal([0, 1, 0, 0], Counts(buckets[2].GetProperty("active_leads"))); // John on WhatsApp, 01-03
        Assert.Equal([1, 0, 1, 0], Counts(buckets[3].GetProperty("active_leads"))); // Ravi's call and web form, 01-04

        Assert.Equal([1, 1, 1, 1], Counts(stats.GetProperty("new_leads")));
        Assert.Equal([2, 3, 1, 1], Counts(stats.GetProperty("active_leads")));

        static IReadOnlyList<int> Counts(JsonElement perChannel) =>
            new[] { "web", "whatsapp", "voice", "social" }.Select(c => perChannel.GetProperty(c).GetInt32()).ToList();
    }

    [Fact]
    public async Task Weeks_start_on_monday()
    {
        // 2025-01-01 is a Wednesday: its week started on Monday 2024-12-30.
        var stats = await app.Client(DashboardApp.AgencyKey).GetJsonAsync("/api/stats/leads?from=2025-01-01&to=2025-01-13&interval=week");

        var buckets = stats.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(["2024-12-30", "2025-01-06"], buckets.Select(b => b.GetProperty("start").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd")));
        Assert.Equal(5, buckets[0].GetProperty("new_leads").EnumerateObject().Sum(c => c.Value.GetInt32()));
        Assert.Equal(1, buckets[1].GetProperty("new_leads").GetProperty("web").GetInt32()); // globex's John, 01-06
    }

    [Theory]
    [InlineData("/api/stats/journeys?from=yesterday", "from")]
    [InlineData("/api/stats/journeys?from=2025-02-01&to=2025-01-01", "from")]
    [InlineData("/api/stats/journeys?from=2020-01-01&to=2025-01-01", "to")]
    [InlineData("/api/stats/journeys?limit=x", "limit")]
    [InlineData("/api/stats/leads?interval=month", "interval")]
    public async Task Bad_stats_parameters_get_400(string url, string field)
    {
        var problem = await app.Client(DashboardApp.AcmeKey).GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_key_may_not_ask_for_another_brands_stats()
    {
        await app.Client(DashboardApp.AcmeKey).GetProblemAsync("/api/stats/journeys?brand=globex", HttpStatusCode.Forbidden);
        await app.Client(DashboardApp.AcmeKey).GetProblemAsync("/api/stats/leads?brand=globex", HttpStatusCode.Forbidden);
    }
}
