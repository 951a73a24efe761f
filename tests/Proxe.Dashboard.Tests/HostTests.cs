using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Dashboard.Data;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class HostTests(DashboardApp app)
{
    [Fact]
    public async Task The_page_and_its_script_are_served_with_a_strict_content_security_policy()
    {
        var client = app.Client();

        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"app.js\"", await page.Content.ReadAsStringAsync());
        Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        foreach (var asset in new[] { "/app.js", "/app.css" })
        {
            using var response = await client.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer(string url)
    {
        using var response = await app.Client().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_api()
    {
        var document = await app.Client().GetJsonAsync("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/leads", paths);
        Assert.Contains("/api/leads/{id}", paths);
        Assert.Contains("/api/leads/{id}/messages", paths);
        Assert.Contains("/api/stats/first-touchpoints", paths);
        Assert.Contains("/api/stats/conversions", paths);
    }

    [Fact]
    public async Task The_database_enforces_the_brand_scope_even_for_a_superuser_login_and_queries_without_a_brand()
    {
        var database = app.Factory.Services.GetRequiredService<ReaderDatabase>();

        var (user, leads, brands, messages) = await database.ReadAsync([SeedData.Acme], async db => (
            await db.Database.SqlQuery<string>($"SELECT current_user::text AS \"Value\"").SingleAsync(),
            await db.Leads.LongCountAsync(),
            await db.UnifiedLeads.Select(u => u.Brand).Distinct().ToArrayAsync(),
            await db.Messages.LongCountAsync()), CancellationToken.None);

        Assert.Equal("proxe_reader", user);
        Assert.Equal(4, leads);
        Assert.Equal([SeedData.Acme], brands);
        Assert.Equal(9, messages);

        var outside = await database.ReadAsync([], db => db.Leads.LongCountAsync(), CancellationToken.None);
        Assert.Equal(0, outside);
    }
}
