using PhoneNumbers;

namespace Proxe.Gateway.Interactions;

/// <summary>
/// Turns a phone as a provider or client sent it into digits with the country code first
/// ("098765 43210" for an Indian brand → "919876543210"), the form stored in all_leads and lead_identities.
/// </summary>
public static class PhoneNormalizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <returns>Digits only, country code first; null when <paramref name="raw"/> holds no phone number.</returns>
    public static string? Normalize(string? raw, string defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;

        var trimmed = raw.Trim();
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
            return null;

        var national = TryParse(trimmed, defaultRegion);
        if (national is not null && Util.IsValidNumber(national))
            return Format(national);

        // WhatsApp's wa_id and many CRMs send international numbers without the plus.
        var international = trimmed.StartsWith('+') ? null : TryParse("+" + digits, "ZZ");
        if (international is not null && Util.IsValidNumber(international))
            return Format(international);

        if (national is not null && Util.IsPossibleNumber(national))
            return Format(national);

        // Ranges libphonenumber does not know yet still identify a customer; keep them as the SQL normalize_phone would.
        return digits.Length is >= 7 and <= 15 ? digits : null;
    }

    private static PhoneNumber? TryParse(string value, string region)
    {
        try
        {
            return Util.Parse(value, region);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string Format(PhoneNumber number) => Util.Format(number, PhoneNumberFormat.E164).TrimStart('+');
}
