using System.Net;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ListFilterTests(DashboardApp app)
{
    [Theory]
    [InlineData("channel=web", new[] { "a0000000-0000-0000-0000-000000000003", "a0000000-0000-0000-0000-000000000001" })]
    [InlineData("channel=voice", new[] { "a0000000-0000-0000-0000-000000000003" })]
    [InlineData("channel=social", new[] { "a0000000-0000-0000-0000-000000000004" })]
    [InlineData("cross_channel=true", new[] { "a0000000-0000-0000-0000-000000000003", "a0000000-0000-0000-0000-000000000001" })]
    [InlineData("cross_channel=false", new[] { "a0000000-0000-0000-0000-000000000003", "a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002", "a0000000-0000-0000-0000-000000000004" })]
    [InlineData("active_from=2025-01-02&active_to=2025-01-04", new[] { "a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002" })]
    [InlineData("active_from=2025-01-05T09:00:00Z", new[] { "a0000000-0000-0000-0000-000000000003" })]
    [InlineData("channel=whatsapp&first_touchpoint=web&active_to=2025-01-04", new[] { "a0000000-0000-0000-0000-000000000001" })]
    public async Task The_list_filters_by_channel_used_activity_range_and_cross_channel(string query, string[] expected)
    {
        var items = (await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads?{query}")).GetProperty("items");

        Assert.Equal(expected.Select(Guid.Parse), items.Ids());
    }

    [Fact]
    public async Task First_seen_is_the_first_interaction_not_the_row_creation()
    {
        var john = (await app.Client(DashboardApp.AcmeKey).GetJsonAsync("/api/leads?phone=919876543210")).GetProperty("items")[0];

        Assert.Equal(DateTime.Parse("2025-01-01T10:00:00Z").ToUniversalTime(), john.GetProperty("first_interaction_at").GetDateTime().ToUniversalTime());
        Assert.Equal(DateTime.Parse("2025-01-01T10:00:05Z").ToUniversalTime(), john.GetProperty("timestamp").GetDateTime().ToUniversalTime());
    }

    [Theory]
    [InlineData("/api/leads?channel=fax", "channel")]
    [InlineData("/api/leads?cross_channel=maybe", "cross_channel")]
    [InlineData("/api/leads?active_from=soon", "active_from")]
    [InlineData("/api/leads?active_from=2025-01-04&active_to=2025-01-02", "active_from")]
    [InlineData("/api/leads?q=a%00b", "q")]
    [InlineData("/api/leads?email=a%00@example.com", "email")]
    [InlineData("/api/leads?phone=98765%0043210", "phone")]
    [InlineData("/api/leads?limit=abc", "limit")]
    [InlineData("/api/leads?limit=1.5", "limit")]
    [InlineData("/api/leads/not-a-guid", "id")]
    [InlineData("/api/leads/not-a-guid/messages", "id")]
    [InlineData("/api/leads/a0000000-0000-0000-0000-000000000001/messages?limit=abc", "limit")]
    [InlineData("/api/leads/export.csv?cursor=abc", "cursor")]
    [InlineData("/api/leads/export.csv?q=%00", "q")]
    [InlineData("/api/changes?lead=nope", "lead")]
    public async Task Unreadable_and_hostile_parameters_are_400_naming_the_field(string url, string field)
    {
        var problem = await app.Client(DashboardApp.AcmeKey).GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/leads")]
    [InlineData("/api/leads/a0000000-0000-0000-0000-000000000001")]
    [InlineData("/api/leads/a0000000-0000-0000-0000-000000000001/messages")]
    [InlineData("/api/leads/a0000000-0000-0000-0000-000000000001/context")]
    [InlineData("/api/leads/export.csv")]
    [InlineData("/api/stats/journeys")]
    [InlineData("/api/me")]
    public async Task Answers_with_personal_data_are_never_cached(string url)
    {
        using var response = await app.Client(DashboardApp.AcmeKey).GetOkAsync(url);

        Assert.True(response.Headers.CacheControl?.NoStore, $"{url}: Cache-Control {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task A_problem_answer_is_not_cached_either()
    {
        using var response = await app.Client(DashboardApp.AcmeKey).GetAsync("/api/leads?limit=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }
}
