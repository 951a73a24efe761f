using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Proxe.Testing;

namespace Proxe.Dashboard.Tests;

/// <summary>
/// The real dashboard (Program) over a real, migrated PostgreSQL database holding <see cref="SeedData"/> for two brands.
/// The app logs in as the superuser on purpose, without Options=-c role=...: every read must still run as
/// proxe_reader, or the isolation tests would see the other brand.
/// </summary>
public sealed class DashboardApp : IAsyncLifetime
{
    public const string AcmeKey = "acme-dashboard-key-0123456789";
    public const string GlobexKey = "globex-dashboard-key-0123456789";
    public const string AgencyKey = "agency-dashboard-key-0123456789";
    public const string JwtSecret = "test-only-supabase-jwt-secret-0123456789";

    private PostgresDatabaseFixture? _database;
    private DashboardFactory? _factory;

    public PostgresDatabaseFixture Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabaseFixture.CreateAsync();
        await SeedData.InsertAsync(_database.DataSource);
        _factory = new DashboardFactory(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }

    public HttpClient Client(string? key = null)
    {
        var client = Factory.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Proxe-Dashboard-Key", key);
        return client;
    }

    private sealed class DashboardFactory(string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => Configure(builder, connectionString);
    }

    /// <summary>The test keys: acme's team, globex's team, and an agency reading both.</summary>
    public static void Configure(IWebHostBuilder builder, string connectionString)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Proxe", connectionString);
        builder.UseSetting("Proxe:Dashboard:Users:acme-team:Key", AcmeKey);
        builder.UseSetting("Proxe:Dashboard:Users:acme-team:Brands:0", SeedData.Acme);
        builder.UseSetting("Proxe:Dashboard:Users:globex-team:Key", GlobexKey);
        builder.UseSetting("Proxe:Dashboard:Users:globex-team:Brands:0", SeedData.Globex);
        builder.UseSetting("Proxe:Dashboard:Users:agency:Key", AgencyKey);
        builder.UseSetting("Proxe:Dashboard:Users:agency:Brands:0", SeedData.Acme);
        builder.UseSetting("Proxe:Dashboard:Users:agency:Brands:1", SeedData.Globex);
        builder.UseSetting("Proxe:Dashboard:Jwt:Secret", JwtSecret);
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardApp>
{
    public const string Name = "dashboard";
}

public static class Http
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 answer with this status and returns its body.</summary>
    public static async Task<JsonElement> GetProblemAsync(this HttpClient client, string url, HttpStatusCode status)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"GET {url} → {(int)response.StatusCode}, expected {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static async Task<HttpResponseMessage> GetOkAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    public static IReadOnlyList<string> Strings(this JsonElement array) =>
        array.EnumerateArray().Select(e => e.GetString()!).ToList();

    public static IReadOnlyList<Guid> Ids(this JsonElement items) =>
        items.EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
}
