using Microsoft.Extensions.Options;
using Proxe.Domain;

namespace Proxe.Gateway.Brands;

/// <summary>Refuses to start with a configuration that could route one brand's data to another.</summary>
public sealed class BrandOptionsValidator : IValidateOptions<BrandOptions>
{
    private const int MinimumApiKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, BrandOptions options)
    {
        var failures = new List<string>();
        foreach (var (brand, settings) in options.Brands)
        {
            if (string.IsNullOrWhiteSpace(brand) || brand.Length > 64)
                failures.Add($"Brand name '{brand}' must be 1-64 characters.");
            if (!Phones.IsKnownRegion(settings.DefaultRegion))
                failures.Add($"Brand '{brand}': DefaultRegion '{settings.DefaultRegion}' is not an ISO 3166 region libphonenumber knows.");
            else
            {
                foreach (var (number, i) in settings.HouseNumbers.Select((n, i) => (n, i)))
                {
                    if (Phones.Normalize(number, settings.DefaultRegion) is null)
                        failures.Add($"Brand '{brand}': HouseNumbers[{i}] is not a valid phone number for region {settings.DefaultRegion}.");
                }
            }
            if (settings.ApiKey is { Length: < MinimumApiKeyLength })
                failures.Add($"Brand '{brand}': ApiKey must be at least {MinimumApiKeyLength} characters.");
        }

        AddDuplicates(failures, "ApiKey", options.Brands.Where(b => !string.IsNullOrEmpty(b.Value.ApiKey)).Select(b => (b.Key, b.Value.ApiKey!)), reveal: false);
        AddDuplicates(failures, "WhatsApp phone number id", options.Brands.SelectMany(b => b.Value.WhatsApp.PhoneNumberIds.Select(id => (b.Key, id.Trim()))), reveal: true);
        AddDuplicates(failures, "Twilio number", options.Brands.SelectMany(b => b.Value.Twilio.PhoneNumbers.Select(n => (b.Key, Phones.Digits(n)))), reveal: true);
        AddDuplicates(failures, "Meta page id", options.Brands.SelectMany(b => b.Value.Meta.PageIds.Select(id => (b.Key, id.Trim()))), reveal: true);
        AddDuplicates(failures, "Instagram account id", options.Brands.SelectMany(b => b.Value.Meta.InstagramAccountIds.Select(id => (b.Key, id.Trim()))), reveal: true);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddDuplicates(List<string> failures, string what, IEnumerable<(string Brand, string Value)> values, bool reveal)
    {
        foreach (var group in values.GroupBy(v => v.Value, StringComparer.Ordinal).Where(g => g.Select(v => v.Brand).Distinct().Count() > 1))
        {
            var brands = string.Join(", ", group.Select(v => v.Brand).Distinct());
            failures.Add(reveal ? $"{what} '{group.Key}' is configured for several brands: {brands}." : $"The same {what} is configured for several brands: {brands}.");
        }
    }
}
