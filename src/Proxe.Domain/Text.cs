using System.Globalization;
using System.Text;

namespace Proxe.Domain;

/// <summary>
/// The one place text is checked and shortened: never splits a code point or a grapheme (emoji with modifiers and
/// ZWJ sequences, letters with combining marks), and knows what PostgreSQL's text and jsonb cannot hold.
/// </summary>
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

    /// <summary>
    /// As <see cref="Truncate(string?, int)"/>, bounded in UTF-8 bytes instead (the ellipsis is 3 of them): what a
    /// byte-limited column or index gets.
    /// </summary>
    public static string? TruncateUtf8(string? text, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, Encoding.UTF8.GetByteCount(Ellipsis));
        if (text is null || Utf8Length(text) <= maxBytes)
            return text;
        return PrefixUtf8(text, maxBytes - Encoding.UTF8.GetByteCount(Ellipsis)) + Ellipsis;
    }

    /// <summary>The longest prefix of whole graphemes with at most <paramref name="maxChars"/> UTF-16 chars.</summary>
    public static string Prefix(string text, int maxChars) => PrefixWhile(text, maxChars, static element => element.Length);

    /// <summary>The longest prefix of whole graphemes with at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static string PrefixUtf8(string text, int maxBytes) => PrefixWhile(text, maxBytes, Utf8Length);

    /// <summary>UTF-8 size; a lone surrogate counts as the 3 bytes of the U+FFFD it would be written as.</summary>
    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Why PostgreSQL could not store <paramref name="text"/>, or null: text and jsonb refuse U+0000, and a lone
    /// surrogate has no UTF-8 form (Npgsql throws while encoding it).
    /// </summary>
    public static string? Unstorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                return "contains the NUL character (U+0000)";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return "contains a lone surrogate (not valid Unicode)";
        }
        return null;
    }

    /// <summary>Control characters (tabs and line breaks included) have no place in an id or a key.</summary>
    public static bool HasControlCharacters(string text) => text.Any(char.IsControl);

    /// <summary>What <see cref="Unstorable"/> objects to, repaired: NUL removed, each lone surrogate replaced by U+FFFD.</summary>
    public static string MakeStorable(string text)
    {
        if (Unstorable(text) is null)
            return text;
        var repaired = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                repaired.Append(c).Append(text[++i]);
            else
                repaired.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return repaired.ToString();
    }

    private static string PrefixWhile(string text, int max, Func<string, int> size)
    {
        if (size(text) <= max)
            return text;
        var end = 0;
        var used = 0;
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            var element = (string)enumerator.Current;
            used += size(element);
            if (used > max)
                break;
            end = enumerator.ElementIndex + element.Length;
        }
        return text[..end];
    }
}
