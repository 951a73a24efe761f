using System.Net;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class StatsTests(DashboardApp app)
{
    [Theory]
    [InlineData(DashboardApp.AcmeKey, "", 1, 1, 1, 1)]
    [InlineData(DashboardApp.GlobexKey, "", 1, 0, 1, 0)]
    [InlineData(DashboardApp.AgencyKey, "", 2, 1, 2, 1)]
    [InlineData(DashboardApp.AgencyKey, "?brand=globex", 1, 0, 1, 0)]
    public async Task Seed_query_customers_by_first_touchpoint(string key, string query, int web, int whatsapp, int voice, int social)
    {
        var stats = await app.Client(key).GetJsonAsync($"/api/stats/first-touchpoints{query}");

        var channels = stats.GetProperty("channels").EnumerateArray().ToList();
        Assert.Equal(["🌐 Web", "💬 WhatsApp", "☎️ Voice", "📱 Social"], channels.Select(c => c.GetProperty("channel").GetString()));
        Assert.Equal(["web", "whatsapp", "voice", "social"], channels.Select(c => c.GetProperty("first_touchpoint").GetString()));
        Assert.Equal([web, whatsapp, voice, social], channels.Select(c => c.GetProperty("count").GetInt32()));
        Assert.Equal(web + whatsapp + voice + social, stats.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData(DashboardApp.AcmeKey, "web", "whatsapp", new[] { "a0000000-0000-0000-0000-000000000001" })]
    [InlineData(DashboardApp.GlobexKey, "web", "whatsapp", new[] { "b0000000-0000-0000-0000-000000000001" })]
    [InlineData(DashboardApp.AgencyKey, "web", "whatsapp", new[] { "b0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000001" })]
    [InlineData(DashboardApp.AcmeKey, "voice", "whatsapp", new[] { "a0000000-0000-0000-0000-000000000003" })]
    [InlineData(DashboardApp.AcmeKey, "whatsapp", "web", new string[0])]
    public async Task Seed_query_started_on_one_channel_converted_via_another(string key, string from, string to, string[] expected)
    {
        var stats = await app.Client(key).GetJsonAsync($"/api/stats/conversions?from={from}&to={to}");

        Assert.Equal(expected.Length, stats.GetProperty("count").GetInt32());
        Assert.Equal(expected.Select(Guid.Parse), stats.GetProperty("leads").Ids());
        foreach (var lead in stats.GetProperty("leads").EnumerateArray())
        {
            Assert.Equal(from, lead.GetProperty("first_touchpoint").GetString());
            Assert.Equal(to, lead.GetProperty("last_touchpoint").GetString());
            Assert.False(string.IsNullOrEmpty(lead.GetProperty("name").GetString()));
        }
    }

    [Theory]
    [InlineData("/api/stats/conversions?from=web", "to")]
    [InlineData("/api/stats/conversions?to=web", "from")]
    [InlineData("/api/stats/conversions?from=fax&to=web", "from")]
    [InlineData("/api/stats/conversions?from=web&to=whatsapp&limit=0", "limit")]
    public async Task Bad_conversion_parameters_get_400(string url, string field)
    {
        var problem = await app.Client(DashboardApp.AcmeKey).GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
