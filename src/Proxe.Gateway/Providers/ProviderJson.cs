using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Providers;

/// <summary>JSON and time helpers shared by the provider mappers.</summary>
internal static class ProviderJson
{
    /// <summary>Meta and our widget both speak snake_case.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new LenientStringConverter() },
    };

    /// <summary>The body as <typeparamref name="T"/>; bodies that are not UTF-8 or not JSON of that shape give an error naming only the position.</summary>
    public static bool TryDeserialize<T>(byte[] body, out T? value, out string? error) where T : class
    {
        value = null;
        if (!Utf8.IsValid(body))
        {
            error = "The body is not valid UTF-8.";
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(body, Options);
            error = value is null ? "The body is JSON null." : null;
            return value is not null;
        }
        catch (JsonException ex)
        {
            // Path and position only: the message may quote the body, which can hold personal data.
            error = $"Invalid JSON at {ex.Path ?? "$"} (line {ex.LineNumber}, byte {ex.BytePositionInLine}).";
            return false;
        }
    }

    /// <summary>A metadata object without the null fields; null when nothing is left.</summary>
    public static JsonElement? Object(params ReadOnlySpan<(string Key, object? Value)> fields)
    {
        var present = new Dictionary<string, object>(fields.Length);
        foreach (var (key, value) in fields)
        {
            if (value is not null and not JsonElement { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null })
            {
                present[key] = value;
            }
        }

        return present.Count == 0 ? null : JsonSerializer.SerializeToElement(present, Options);
    }

    /// <summary>Provider timestamps: unix seconds, or milliseconds for Messenger/Instagram (told apart by magnitude).</summary>
    public static DateTimeOffset? FromUnix(long? value) => value switch
    {
        null or <= 0 => null,
        > 100_000_000_000 and < 100_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value.Value),
        < 100_000_000_000 => DateTimeOffset.FromUnixTimeSeconds(value.Value),
        _ => null,
    };

    public static DateTimeOffset? FromUnix(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? FromUnix(parsed)
            : null;
}
