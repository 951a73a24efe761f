using System.Globalization;

namespace Proxe.Domain;

/// <summary>The one place text is shortened: never splits a code point or a grapheme (emoji with modifiers, accents).</summary>
public static class Text
{
    public const string Ellipsis = "…";

    /// <summary>
    /// <paramref name="text"/> itself when it has at most <paramref name="maxChars"/> UTF-16 chars; otherwise the longest
    /// prefix of whole graphemes that fits with "…" appended, the ellipsis included in <paramref name="maxChars"/>.
    /// </summary>
    public static string? Truncate(string? text, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, Ellipsis.Length);
        if (text is null || text.Length <= maxChars)
            return text;
        return Prefix(text, maxChars - Ellipsis.Length) + Ellipsis;
    }

    /// <summary>The longest prefix of whole graphemes with at most <paramref name="maxChars"/> UTF-16 chars.</summary>
    public static string Prefix(string text, int maxChars)
    {
        if (text.Length <= maxChars)
            return text;
        var end = 0;
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            var next = enumerator.ElementIndex + ((string)enumerator.Current).Length;
            if (next > maxChars)
                break;
            end = next;
        }
        return text[..end];
    }
}
