using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Proxe.Domain;

namespace Proxe.Gateway.Brands;

/// <summary>
/// Finds the brand behind an API key or a provider account (WhatsApp phone number id, Twilio number,
/// Meta page or Instagram account id). Built once from <see cref="BrandOptions"/>.
/// </summary>
public sealed class BrandCatalog
{
    private readonly IReadOnlyDictionary<string, BrandSettings> _brands;
    private readonly (byte[] KeyHash, string Brand)[] _apiKeys;
    private readonly Dictionary<string, string> _whatsAppPhoneNumberIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _twilioNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metaPageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _instagramAccountIds = new(StringComparer.Ordinal);

    public BrandCatalog(IOptions<BrandOptions> options)
    {
        _brands = options.Value.Brands;
        _apiKeys = _brands
            .Where(b => !string.IsNullOrEmpty(b.Value.ApiKey))
            .Select(b => (Secrets.Hash(b.Value.ApiKey!), b.Key))
            .ToArray();

        foreach (var (brand, settings) in _brands)
        {
            foreach (var id in settings.WhatsApp.PhoneNumberIds) _whatsAppPhoneNumberIds[id.Trim()] = brand;
            foreach (var number in settings.Twilio.PhoneNumbers) _twilioNumbers[Phones.Digits(number)] = brand;
            foreach (var id in settings.Meta.PageIds) _metaPageIds[id.Trim()] = brand;
            foreach (var id in settings.Meta.InstagramAccountIds) _instagramAccountIds[id.Trim()] = brand;
        }
    }

    public IEnumerable<string> Brands => _brands.Keys;

    public bool TryGet(string brand, [MaybeNullWhen(false)] out BrandSettings settings) =>
        _brands.TryGetValue(brand, out settings);

    /// <summary>Compares against every brand's key in constant time, so timing reveals neither a key nor which brand matched.</summary>
    public bool TryGetByApiKey(string? key, [MaybeNullWhen(false)] out string brand) =>
        Secrets.TryMatch(key, _apiKeys, out brand);

    public bool TryGetByWhatsAppPhoneNumberId(string? id, [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings) =>
        Lookup(_whatsAppPhoneNumberIds, id?.Trim(), out brand, out settings);

    /// <summary>Matches on digits only, so "+1 415-555-0100" and "+14155550100" are the same number.</summary>
    public bool TryGetByTwilioNumber(string? e164, [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings) =>
        Lookup(_twilioNumbers, e164 is null ? null : Phones.Digits(e164), out brand, out settings);

    public bool TryGetByMetaPageId(string? id, [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings) =>
        Lookup(_metaPageIds, id?.Trim(), out brand, out settings);

    public bool TryGetByInstagramAccountId(string? id, [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings) =>
        Lookup(_instagramAccountIds, id?.Trim(), out brand, out settings);

    private bool Lookup(Dictionary<string, string> index, string? id, [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings)
    {
        settings = null;
        if (string.IsNullOrEmpty(id) || !index.TryGetValue(id, out brand))
        {
            brand = null;
            return false;
        }
        settings = _brands[brand];
        return true;
    }
}
