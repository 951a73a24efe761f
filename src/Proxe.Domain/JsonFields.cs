using System.Text.Json;

namespace Proxe.Domain;

/// <summary>Reading loosely typed JSON (provider payloads, message metadata) the same way everywhere.</summary>
public static class JsonFields
{
    /// <summary>
    /// <paramref name="property"/> of an object as text: a string as itself, a number as written; otherwise null, and
    /// null for a string that is not valid Unicode (System.Text.Json refuses to read it).
    /// </summary>
    public static string? Text(JsonElement? element, string property)
    {
        if (element is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty(property, out var value))
            return null;
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The path ("$.a[2].b") of the first string, property name or number PostgreSQL's jsonb could not store (NUL, a
    /// lone surrogate, bytes that are not UTF-8; a number beyond PostgreSQL's numeric), with the reason; null when the
    /// whole element is storable.
    /// </summary>
    public static (string Path, string Reason)? FindUnstorable(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ReadString(element.GetString) is { } reason ? (path, reason) : null;
            case JsonValueKind.Number:
                return IsStorableNumber(element.GetRawText()) ? null
                    : (path, $"is a number PostgreSQL cannot store (at most {MaxNumericWeight + 1:N0} digits before the decimal point and {MaxNumericScale:N0} after it)");
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string? name = null;
                    if (ReadString(() => name = property.Name) is { } nameReason)
                        return (path, "a property name " + nameReason);
                    if (FindUnstorable(property.Value, $"{path}.{name}") is { } found)
                        return found;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindUnstorable(item, $"{path}[{index++}]") is { } found)
                        return found;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>PostgreSQL's numeric (what jsonb stores numbers as): below 10^131072, at most 16,383 digits after the point.</summary>
    public const int MaxNumericWeight = 131_071;

    public const int MaxNumericScale = 16_383;

    /// <summary>
    /// Whether jsonb takes this JSON number (RFC 8259 grammar, as System.Text.Json already checked): its first significant
    /// digit at most 10^<see cref="MaxNumericWeight"/>, and its written scale (fraction digits less the exponent) at most
    /// <see cref="MaxNumericScale"/>; PostgreSQL answers "22003: value overflows numeric format" otherwise, 0e-20000 included.
    /// </summary>
    public static bool IsStorableNumber(string number)
    {
        var text = number.AsSpan().TrimStart('-');
        var e = text.IndexOfAny('e', 'E');
        var mantissa = e < 0 ? text : text[..e];
        long exponent = 0;
        // PostgreSQL refuses any exponent of INT_MAX / 2 or more outright.
        if (e >= 0 && (!long.TryParse(text[(e + 1)..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out exponent)
                       || Math.Abs(exponent) >= int.MaxValue / 2))
            return false;

        var point = mantissa.IndexOf('.');
        var integer = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? [] : mantissa[(point + 1)..];
        if (Math.Max(0, fraction.Length - exponent) > MaxNumericScale)
            return false;

        var firstSignificant = integer.IndexOfAnyExcept('0');
        long weight;
        if (firstSignificant >= 0)
            weight = integer.Length - 1 - firstSignificant;
        else if (fraction.IndexOfAnyExcept('0') is var inFraction and >= 0)
            weight = -1 - inFraction;
        else
            return true; // zero: only its scale matters
        return weight + exponent <= MaxNumericWeight;
    }

    private static string? ReadString(Func<string?> read)
    {
        try
        {
            return read() is { } text ? Domain.Text.Unstorable(text) : null;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to hand out a lone surrogate escape or invalid UTF-8 as a string.
            return "is not valid Unicode (a lone surrogate or bytes that are not UTF-8)";
        }
    }
}
