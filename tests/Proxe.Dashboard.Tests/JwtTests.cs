using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class JwtTests(DashboardApp app)
{
    /// <summary>A token shaped like Supabase's: HS256, aud "authenticated", brands in app_metadata or at the top.</summary>
    private static string Token(object? appMetadata = null, object? brands = null, string secret = DashboardApp.JwtSecret,
        DateTime? expires = null, string audience = "authenticated")
    {
        var claims = new Dictionary<string, object> { ["sub"] = "user-1", ["role"] = "authenticated" };
        if (appMetadata is not null)
            claims["app_metadata"] = appMetadata;
        if (brands is not null)
            claims["brands"] = brands;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Audience = audience,
            IssuedAt = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }

    private HttpClient Bearer(string token)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_supabase_token_reads_the_brands_of_its_app_metadata_and_nothing_else()
    {
        var client = Bearer(Token(appMetadata: new Dictionary<string, object> { ["brands"] = new[] { SeedData.Globex } }));

        var me = await client.GetJsonAsync("/api/me");
        Assert.Equal([SeedData.Globex], me.GetProperty("brands").Strings());
        Assert.Equal([SeedData.GlobexJohn, SeedData.GlobexCaller], (await client.GetJsonAsync("/api/leads")).GetProperty("items").Ids());
        await client.GetProblemAsync($"/api/leads/{SeedData.John}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_top_level_brands_claim_works_as_an_array_or_a_comma_separated_string()
    {
        var array = await Bearer(Token(brands: new[] { SeedData.Acme, SeedData.Globex })).GetJsonAsync("/api/me");
        Assert.Equal([SeedData.Acme, SeedData.Globex], array.GetProperty("brands").Strings());

        var text = await Bearer(Token(brands: "acme, globex")).GetJsonAsync("/api/me");
        Assert.Equal([SeedData.Acme, SeedData.Globex], text.GetProperty("brands").Strings());
    }

    [Fact]
    public async Task Bad_tokens_get_401_problem_details()
    {
        string[] tokens =
        [
            Token(brands: SeedData.Acme, secret: "another-secret-of-the-right-length-0123"),
            Token(brands: SeedData.Acme, expires: DateTime.UtcNow.AddMinutes(-5)),
            Token(brands: SeedData.Acme, audience: "anon"),
            Token(),
            Token(brands: new[] { "acme globex" }),
            Token(brands: SeedData.Acme)[..^4] + "AAAA",
        ];
        foreach (var token in tokens)
            await Bearer(token).GetProblemAsync("/api/leads", HttpStatusCode.Unauthorized);
    }
}
