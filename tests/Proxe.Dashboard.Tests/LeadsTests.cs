using System.Net;
using System.Text.Json;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class LeadsTests(DashboardApp app)
{
    [Fact]
    public async Task Lists_the_brands_leads_newest_activity_first_with_origin_and_journey()
    {
        var page = await app.Client(DashboardApp.AcmeKey).GetJsonAsync("/api/leads");

        var items = page.GetProperty("items");
        Assert.Equal(SeedData.AcmeByActivity, items.Ids());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);

        var ravi = items[0];
        Assert.Equal("Ravi Kumar", ravi.GetProperty("name").GetString());
        Assert.Equal("voice", ravi.GetProperty("first_touchpoint").GetString());
        Assert.Equal("whatsapp", ravi.GetProperty("last_touchpoint").GetString());
        Assert.Equal(["voice", "web", "whatsapp"], ravi.GetProperty("journey").Strings());
        Assert.Equal(["voice", "web", "whatsapp"], ravi.GetProperty("metadata").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(DateTime.Parse("2025-01-05T09:00:00Z").ToUniversalTime(), ravi.GetProperty("last_interaction_at").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task A_key_for_two_brands_sees_both_and_can_narrow_to_one()
    {
        var agency = app.Client(DashboardApp.AgencyKey);

        var all = (await agency.GetJsonAsync("/api/leads")).GetProperty("items");
        Assert.Equal([SeedData.GlobexJohn, .. SeedData.AcmeByActivity[..3], SeedData.GlobexCaller, SeedData.Meera], all.Ids());

        var globex = (await agency.GetJsonAsync("/api/leads?brand=globex")).GetProperty("items");
        Assert.Equal([SeedData.GlobexJohn, SeedData.GlobexCaller], globex.Ids());
    }

    [Theory]
    [InlineData("919876543210")]
    [InlineData("+91 98765-43210")]
    [InlineData("+91%20(98765)%2043210")]
    public async Task Seed_query_find_a_customer_by_phone_across_any_channel(string phone)
    {
        var acme = (await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads?phone={phone}")).GetProperty("items");
        var globex = (await app.Client(DashboardApp.GlobexKey).GetJsonAsync($"/api/leads?phone={phone}")).GetProperty("items");

        // The same phone in both brands: each key finds only its own customer.
        Assert.Equal([SeedData.John], acme.Ids());
        Assert.Equal([SeedData.GlobexJohn], globex.Ids());

        var john = acme[0];
        Assert.Equal(SeedData.JohnPhone, john.GetProperty("phone").GetString());
        Assert.Equal("web", john.GetProperty("first_touchpoint").GetString());
        Assert.Equal("whatsapp", john.GetProperty("last_touchpoint").GetString());
        var metadata = john.GetProperty("metadata");
        Assert.Equal(1, metadata.GetProperty("web").GetProperty("session_count").GetInt32());
        Assert.Equal("confirmed", metadata.GetProperty("web").GetProperty("booking_status").GetString());
        Assert.Equal(2, metadata.GetProperty("whatsapp").GetProperty("message_count").GetInt32());
    }

    [Fact]
    public async Task Filters_by_email_name_and_touchpoints()
    {
        var acme = app.Client(DashboardApp.AcmeKey);

        Assert.Equal([SeedData.Priya], (await acme.GetJsonAsync("/api/leads?email=PRIYA@example.COM")).GetProperty("items").Ids());
        Assert.Equal([SeedData.John], (await acme.GetJsonAsync("/api/leads?email=john@example.com")).GetProperty("items").Ids());
        Assert.Equal([SeedData.Priya], (await acme.GetJsonAsync("/api/leads?q=sharma")).GetProperty("items").Ids());
        Assert.Equal([SeedData.Meera], (await acme.GetJsonAsync("/api/leads?q=a_D")).GetProperty("items").Ids());
        // "_" and "%" are literal characters, not LIKE wildcards: "a_S" would otherwise match "Priya Sharma".
        Assert.Empty((await acme.GetJsonAsync("/api/leads?q=a_S")).GetProperty("items").Ids());
        Assert.Empty((await acme.GetJsonAsync("/api/leads?q=%25")).GetProperty("items").Ids());
        Assert.Equal([SeedData.Ravi], (await acme.GetJsonAsync("/api/leads?first_touchpoint=voice")).GetProperty("items").Ids());
        Assert.Equal([SeedData.Ravi, SeedData.John, SeedData.Priya],
            (await acme.GetJsonAsync("/api/leads?last_touchpoint=whatsapp")).GetProperty("items").Ids());
        Assert.Empty((await acme.GetJsonAsync("/api/leads?phone=14155550100")).GetProperty("items").Ids());
    }

    [Fact]
    public async Task Keyset_pages_walk_every_lead_once_in_order()
    {
        var agency = app.Client(DashboardApp.AgencyKey);
        var expected = (await agency.GetJsonAsync("/api/leads")).GetProperty("items").Ids();

        var seen = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await agency.GetJsonAsync($"/api/leads?limit=4{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").Ids());
            cursor = page.GetProperty("next_cursor").GetString();
            if (cursor is null)
                break;
        }

        Assert.Equal(6, expected.Count);
        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("/api/leads?limit=0", "limit")]
    [InlineData("/api/leads?limit=201", "limit")]
    [InlineData("/api/leads?first_touchpoint=fax", "first_touchpoint")]
    [InlineData("/api/leads?last_touchpoint=WEB", "last_touchpoint")]
    [InlineData("/api/leads?phone=call-me", "phone")]
    [InlineData("/api/leads?email=nobody", "email")]
    [InlineData("/api/leads?cursor=not-a-cursor", "cursor")]
    [InlineData("/api/leads/a0000000-0000-0000-0000-000000000001/messages?limit=500", "limit")]
    public async Task Bad_parameters_get_400_naming_the_field(string url, string field)
    {
        var problem = await app.Client(DashboardApp.AcmeKey).GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/leads?limit=many")]
    [InlineData("/api/leads/not-a-guid")]
    [InlineData("/api/leads/not-a-guid/messages")]
    public async Task Unreadable_parameters_get_400_problem_details(string url)
    {
        await app.Client(DashboardApp.AcmeKey).GetProblemAsync(url, HttpStatusCode.BadRequest);
    }
}
