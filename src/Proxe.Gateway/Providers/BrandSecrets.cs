using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Providers;

internal static class BrandSecrets
{
    /// <summary>
    /// The brands whose configured secret verifies the request. Called before the body is parsed, so input nobody
    /// signed is never read; the brand the payload then names must be one of these.
    /// </summary>
    public static HashSet<string> Verifying(BrandCatalog brands, Func<BrandSettings, string?> secretOf, Func<string, bool> verifies)
    {
        var checkedSecrets = new Dictionary<string, bool>(StringComparer.Ordinal);
        var verifying = new HashSet<string>(StringComparer.Ordinal);
        foreach (var brand in brands.Brands)
        {
            if (!brands.TryGet(brand, out var settings) || secretOf(settings) is not { Length: > 0 } secret)
                continue;

            if (!checkedSecrets.TryGetValue(secret, out var valid))
                checkedSecrets[secret] = valid = verifies(secret);
            if (valid)
                verifying.Add(brand);
        }

        return verifying;
    }
}
