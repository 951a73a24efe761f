using System.Net;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class AuthTests(DashboardApp app)
{
    [Theory]
    [InlineData("/api/leads")]
    [InlineData("/api/me")]
    [InlineData("/api/stats/first-touchpoints")]
    public async Task Without_a_key_every_api_answers_401_problem_details(string url)
    {
        using var response = await app.Client().GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("wrong-key-0123456789")]
    [InlineData("acme-dashboard-key-012345678")]
    [InlineData("acme-dashboard-key-01234567890")]
    public async Task A_wrong_key_gets_401(string key)
    {
        await app.Client(key).GetProblemAsync("/api/leads", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_bearer_key_works_like_the_header_and_me_names_its_brands()
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", DashboardApp.AgencyKey);

        var me = await client.GetJsonAsync("/api/me");

        Assert.Equal("agency", me.GetProperty("name").GetString());
        Assert.Equal([SeedData.Acme, SeedData.Globex], me.GetProperty("brands").Strings());
    }

    [Fact]
    public async Task A_key_asking_for_a_brand_it_may_not_read_gets_403()
    {
        var acme = app.Client(DashboardApp.AcmeKey);

        await acme.GetProblemAsync("/api/leads?brand=globex", HttpStatusCode.Forbidden);
        await acme.GetProblemAsync("/api/stats/first-touchpoints?brand=globex", HttpStatusCode.Forbidden);
        await acme.GetProblemAsync("/api/stats/conversions?from=web&to=whatsapp&brand=globex", HttpStatusCode.Forbidden);
    }
}
