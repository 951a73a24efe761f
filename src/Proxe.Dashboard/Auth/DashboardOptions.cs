using Microsoft.Extensions.Options;

namespace Proxe.Dashboard.Auth;

/// <summary>
/// Who may open the dashboard, bound from "Proxe:Dashboard": a name per team, each with a key and the brands it may see.
/// Keys come from the environment or user secrets (Proxe__Dashboard__Users__acme_team__Key), never from the repo.
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "Proxe:Dashboard";

    public Dictionary<string, DashboardUserSettings> Users { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Optional: HS256 bearer tokens (Supabase's JWT secret) whose <c>brands</c> claim names the brands.</summary>
    public DashboardJwtSettings Jwt { get; init; } = new();
}

public sealed class DashboardJwtSettings
{
    public const int MinimumSecretBytes = 32;

    /// <summary>The HS256 signing secret; unset, bearer JWTs are not accepted at all.</summary>
    public string? Secret { get; init; }

    /// <summary>Expected <c>iss</c>, e.g. https://&lt;project&gt;.supabase.co/auth/v1; unset, any issuer.</summary>
    public string? Issuer { get; init; }

    /// <summary>Expected <c>aud</c>; Supabase signs user tokens for "authenticated".</summary>
    public string Audience { get; init; } = "authenticated";

    public bool Enabled => !string.IsNullOrEmpty(Secret);
}

public sealed class DashboardUserSettings
{
    public string? Key { get; init; }

    public List<string> Brands { get; init; } = [];
}

public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var failures = new List<string>();
        foreach (var (user, settings) in options.Users)
        {
            if (settings.Key is not { Length: >= MinimumKeyLength })
                failures.Add($"Proxe:Dashboard:Users:{user}:Key must be at least {MinimumKeyLength} characters.");
            if (settings.Brands.Count == 0)
                failures.Add($"Proxe:Dashboard:Users:{user}:Brands must name at least one brand.");
            // proxe.brands is a comma-separated list read by proxe_request_brands().
            foreach (var brand in settings.Brands.Where(b => !IsValidBrand(b)))
                failures.Add($"Proxe:Dashboard:Users:{user}:Brands has an invalid brand '{brand}' (empty, whitespace or comma).");
        }

        if (options.Jwt.Enabled && System.Text.Encoding.UTF8.GetByteCount(options.Jwt.Secret!) < DashboardJwtSettings.MinimumSecretBytes)
            failures.Add($"Proxe:Dashboard:Jwt:Secret must be at least {DashboardJwtSettings.MinimumSecretBytes} bytes (HS256).");

        var keys = options.Users.Values.Select(u => u.Key).Where(k => k is not null).ToList();
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count())
            failures.Add("Two dashboard users share a key.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>proxe.brands is a comma-separated list: a brand with a comma would widen the scope.</summary>
    public static bool IsValidBrand(string? brand) =>
        !string.IsNullOrWhiteSpace(brand) && !brand.Any(c => c == ',' || char.IsWhiteSpace(c) || char.IsControl(c));
}
