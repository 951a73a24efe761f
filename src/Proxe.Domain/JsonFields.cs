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
    /// The path ("$.a[2].b") of the first string or property name PostgreSQL's jsonb could not store (NUL, a lone
    /// surrogate, bytes that are not UTF-8), with the reason; null when the whole element is storable.
    /// </summary>
    public static (string Path, string Reason)? FindUnstorable(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ReadString(element.GetString) is { } reason ? (path, reason) : null;
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
