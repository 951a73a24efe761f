using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Proxe.Dashboard.Tests;

/// <summary>
/// Issue 8: "every client error is a 4xx problem detail, in every environment". The other tests run the dashboard as
/// "Testing"; here the parameters issue 8 found answering 500 go to it as Development and Production.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class EnvironmentProblemTests(DashboardApp app)
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Bad_parameters_are_400_problems_that_are_not_cached_whatever_the_environment(string environment)
    {
        await using var factory = app.Factory.WithWebHostBuilder(web => web.UseEnvironment(environment));
        Assert.Equal(environment, factory.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Proxe-Dashboard-Key", DashboardApp.AcmeKey);

        foreach (var (url, field) in new[]
                 {
                     ("/api/leads?q=a%00b", "q"), ("/api/leads?email=a%00@example.com", "email"), ("/api/leads?limit=abc", "limit"),
                     ("/api/leads/not-a-guid", "id"), ("/api/leads/not-a-guid/messages", "id"), ("/api/leads?active_from=soon", "active_from"),
                 })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{environment} {url}: Cache-Control {response.Headers.CacheControl}");
            var problem = await client.GetProblemAsync(url, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{environment} {url}: {problem}");
        }
    }
}
