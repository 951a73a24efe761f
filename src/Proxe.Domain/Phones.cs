using PhoneNumbers;

namespace Proxe.Domain;

/// <summary>
/// The one home of "a customer's phone": digits only, country code first ("098765 43210" for an Indian brand →
/// "919876543210"), the form all_leads, lead_identities and the dashboard's phone search use. Only numbers
/// libphonenumber calls valid become identities; never raw digits of something it cannot read.
/// </summary>
public static class Phones
{
    /// <summary>Longest phone text read at all; E.164 has at most 15 digits, the rest is formatting.</summary>
    public const int MaxRawLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The digits of <paramref name="value"/>, nothing else: SQL normalize_phone(), for matching numbers already normalized.</summary>
    public static string Digits(string? value) =>
        value is null ? "" : new string(value.Where(char.IsAsciiDigit).ToArray());

    /// <summary>An ISO 3166 region libphonenumber can read national numbers of ("IN", "US", ...).</summary>
    public static bool IsKnownRegion(string? region) => region is not null && Util.GetSupportedRegions().Contains(region);

    /// <summary>
    /// Digits with the country code first, or null when <paramref name="raw"/> is not a valid number: read as a national
    /// number of <paramref name="defaultRegion"/>, else as international (wa_id and many CRMs leave out the plus).
    /// Letters are refused rather than read as a keypad ("DROP" would become 3767).
    /// </summary>
    public static string? Normalize(string? raw, string defaultRegion) =>
        Read(raw, defaultRegion) is { } number ? Format(number) : null;

    private static PhoneNumber? Read(string? raw, string defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > MaxRawLength || !raw.All(IsPhoneCharacter))
            return null;

        var trimmed = raw.Trim();
        var digits = Digits(trimmed);
        if (digits.Length == 0)
            return null;

        if (TryParse(trimmed, defaultRegion) is { } national && Util.IsValidNumber(national))
            return national;

        if (!trimmed.StartsWith('+') && TryParse("+" + digits, "ZZ") is { } international && Util.IsValidNumber(international))
            return international;

        return null;
    }

    /// <summary>
    /// A number the provider itself verified (WhatsApp's wa_id: the customer proved owning it), international without
    /// the plus: its digits when the country code exists and the length is possible there, even where libphonenumber's
    /// ranges lag behind; otherwise null.
    /// </summary>
    public static string? NormalizeVerified(string? international) =>
        IsNormalized(international) ? international : null;

    /// <summary>Digits only, with a country code libphonenumber knows and a possible length for it: the stored form.</summary>
    public static bool IsNormalized(string? normalized) => ReadNormalized(normalized) is not null;

    private static PhoneNumber? ReadNormalized(string? normalized) =>
        normalized is { Length: > 0 and <= 15 } && normalized.All(char.IsAsciiDigit)
        && TryParse("+" + normalized, "ZZ") is { } number && Util.IsPossibleNumber(number) && Format(number) == normalized
            ? number
            : null;

    /// <summary>
    /// Numbers people type when they do not want to give theirs: a national number that is one digit repeated (0000000000,
    /// 9999999999, or 9000000000: one leading digit then a run), an ascending run (1234567, 1234567890), or shorter than six digits.
    /// A descending run is not: 9876543210 is the seed's own example customer (<c>WHERE phone='919876543210'</c>);
    /// a brand that receives it as a placeholder lists it among its house numbers.
    /// </summary>
    private static bool IsPlaceholder(PhoneNumber number)
    {
        var national = Util.GetNationalSignificantNumber(number);
        if (national.Length < 6)
            return true;
        if (national.Skip(1).Distinct().Count() == 1)
            return true;
        return Enumerable.Range(1, national.Length - 1).All(i => national[i] - '0' == (national[i - 1] - '0' + 1) % 10);
    }

    /// <summary>
    /// The identity a phone gives, or why it gives none: not a valid number, a placeholder, or one of the brand's
    /// <paramref name="houseNumbers"/> (its own lines, already normalized), which never identify a customer.
    /// </summary>
    public static PhoneIdentity Identify(string? raw, string defaultRegion, IReadOnlySet<string> houseNumbers) =>
        Read(raw, defaultRegion) is { } number ? Identity(number, Format(number), houseNumbers) : new(null, PhoneRefusal.NotAPhoneNumber);

    /// <summary>The same for a phone a mapper already normalized (<see cref="NormalizeVerified"/>), which must still be <see cref="IsNormalized"/>.</summary>
    public static PhoneIdentity IdentifyNormalized(string normalized, IReadOnlySet<string> houseNumbers) =>
        ReadNormalized(normalized) is { } number ? Identity(number, normalized, houseNumbers) : new(null, PhoneRefusal.NotAPhoneNumber);

    private static PhoneIdentity Identity(PhoneNumber number, string normalized, IReadOnlySet<string> houseNumbers) =>
        houseNumbers.Contains(normalized) ? new(null, PhoneRefusal.HouseNumber)
        : IsPlaceholder(number) ? new(null, PhoneRefusal.Placeholder)
        : new(normalized, null);

    private static bool IsPhoneCharacter(char c) => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/' or '\u00A0';

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

/// <summary>A phone's normalized digits when it identifies a customer; otherwise why not.</summary>
public readonly record struct PhoneIdentity(string? Normalized, PhoneRefusal? Refusal)
{
    public string Reason(string defaultRegion) => Refusal switch
    {
        PhoneRefusal.NotAPhoneNumber => $"Not a valid phone number (national numbers are read for region {defaultRegion}; digits, spaces and + - ( ) . / only).",
        PhoneRefusal.Placeholder => "A placeholder number (one digit repeated, an ascending run, or too short), not a customer's.",
        PhoneRefusal.HouseNumber => "One of the brand's own numbers (HouseNumbers), which never identify a customer.",
        _ => "",
    };
}

public enum PhoneRefusal
{
    NotAPhoneNumber,
    Placeholder,
    HouseNumber,
}
