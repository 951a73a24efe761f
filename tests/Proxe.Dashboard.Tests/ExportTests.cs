using System.Net;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ExportTests(DashboardApp app)
{
    [Fact]
    public async Task The_export_is_a_csv_download_of_the_brands_leads_newest_activity_first()
    {
        using var response = await app.Client(DashboardApp.AcmeKey).GetOkAsync("/api/leads/export.csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("id,brand,name,email,phone,first_touchpoint,last_touchpoint,journey,first_interaction_at,last_interaction_at,created_at", lines[0]);
        Assert.Equal(SeedData.AcmeByActivity, lines[1..].Select(l => Guid.Parse(l.Split(',')[0])));
        Assert.All(lines[1..], l => Assert.Equal(SeedData.Acme, l.Split(',')[1]));
        Assert.Equal("a0000000-0000-0000-0000-000000000001,acme,John Doe,john@example.com,919876543210,web,whatsapp,web > whatsapp," +
                     "2025-01-01T10:00:00.0000000Z,2025-01-03T09:00:00.0000000Z,2025-01-01T10:00:05.0000000Z", lines[2]);
        Assert.Contains("meera@example.com,,social", lines[4]); // Meera: no phone
    }

    [Fact]
    public async Task The_export_takes_the_lists_filters()
    {
        var agency = app.Client(DashboardApp.AgencyKey);

        var crossChannel = await Ids(agency, "/api/leads/export.csv?cross_channel=true");
        var listed = (await agency.GetJsonAsync("/api/leads?cross_channel=true")).GetProperty("items").Ids();
        Assert.Equal(listed, crossChannel);
        Assert.Equal(3, crossChannel.Count);

        Assert.Equal([SeedData.GlobexJohn, SeedData.GlobexCaller], await Ids(agency, "/api/leads/export.csv?brand=globex"));
        Assert.Equal([SeedData.John], await Ids(app.Client(DashboardApp.AcmeKey), "/api/leads/export.csv?phone=%2B91%2098765-43210"));
        await app.Client(DashboardApp.AcmeKey).GetProblemAsync("/api/leads/export.csv?brand=globex", HttpStatusCode.Forbidden);
        await app.Client().GetProblemAsync("/api/leads/export.csv", HttpStatusCode.Unauthorized);
    }

    private static async Task<IReadOnlyList<Guid>> Ids(HttpClient client, string url)
    {
        using var response = await client.GetOkAsync(url);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        return lines[1..].Select(l => Guid.Parse(l.Split(',')[0])).ToList();
    }
}
