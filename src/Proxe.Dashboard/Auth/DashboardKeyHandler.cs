using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Proxe.Domain;

namespace Proxe.Dashboard.Auth;

/// <summary>
/// Authenticates a dashboard key sent as <c>X-Proxe-Dashboard-Key</c> or <c>Authorization: Bearer</c>.
/// The principal carries one <see cref="BrandClaim"/> per brand the key may see.
/// </summary>
public sealed class DashboardKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardOptions> dashboard,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "DashboardKey";
    public const string KeyHeader = "X-Proxe-Dashboard-Key";
    public const string BrandClaim = "proxe:brand";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
            return Task.FromResult(AuthenticateResult.NoResult());

        var users = dashboard.Value.Users
            .Where(user => user.Value.Key is not null)
            .Select(user => (Secrets.Hash(user.Value.Key!), (Name: user.Key, Settings: user.Value)));
        if (!Secrets.TryMatch(key, users, out var user))
            return Task.FromResult(AuthenticateResult.Fail("Unknown dashboard key."));

        var claims = user.Settings.Brands.Distinct(StringComparer.Ordinal).Select(brand => new Claim(BrandClaim, brand)).Prepend(new Claim(ClaimTypes.Name, user.Name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = $"Send a valid dashboard key in {KeyHeader} or Authorization: Bearer.",
            },
        });
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers[KeyHeader].ToString() is { Length: > 0 } header)
            return header.Trim();

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }
}

public static class DashboardPrincipal
{
    public static IReadOnlyList<string> Brands(this ClaimsPrincipal user) =>
        user.FindAll(DashboardKeyHandler.BrandClaim).Select(c => c.Value).ToList();
}
