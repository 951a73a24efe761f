using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Proxe.Dashboard.Auth;

/// <summary>
/// Bearer JWTs signed HS256 with the project's secret, as Supabase issues them, so a Supabase-hosted front end can call
/// the API. The brands come from a <c>brands</c> claim (array or comma-separated), at the top or in <c>app_metadata</c>
/// (never user_metadata, which users edit themselves): the same rule as the database's proxe_jwt_brands().
/// </summary>
public static class SupabaseJwt
{
    public const string SchemeName = "SupabaseJwt";

    public static void Configure(JwtBearerOptions options, DashboardJwtSettings settings)
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Secret ?? "")),
            ValidateIssuer = !string.IsNullOrEmpty(settings.Issuer),
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        options.Events = new JwtBearerEvents { OnTokenValidated = OnTokenValidated };
    }

    /// <summary>A compact JWS has three dot-separated parts; a dashboard key has none.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    private static Task OnTokenValidated(TokenValidatedContext context)
    {
        var claims = context.Principal!.Claims.ToList();
        var brands = Brands(claims).Distinct(StringComparer.Ordinal).ToList();
        if (brands.Count == 0)
        {
            context.Fail("The token names no brand.");
            return Task.CompletedTask;
        }

        var name = claims.FirstOrDefault(c => c.Type == "email")?.Value ?? claims.FirstOrDefault(c => c.Type == "sub")?.Value ?? "jwt";
        var identity = new ClaimsIdentity(
            brands.Select(b => new Claim(DashboardKeyHandler.BrandClaim, b)).Prepend(new Claim(ClaimTypes.Name, name)), SchemeName);
        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }

    private static IEnumerable<string> Brands(IReadOnlyList<Claim> claims)
    {
        var top = claims.Where(c => c.Type == "brands").Select(c => c.Value).ToList();
        var values = top.Count > 0 ? top : AppMetadataBrands(claims.FirstOrDefault(c => c.Type == "app_metadata")?.Value);
        return values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(DashboardOptionsValidator.IsValidBrand);
    }

    private static IEnumerable<string> AppMetadataBrands(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("brands", out var brands))
                return [];
            return brands.ValueKind switch
            {
                JsonValueKind.Array => brands.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.String).Select(b => b.GetString()!).ToList(),
                JsonValueKind.String => [brands.GetString()!],
                _ => [],
            };
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
