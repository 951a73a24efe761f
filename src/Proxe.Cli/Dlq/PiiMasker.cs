using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Proxe.Domain;

namespace Proxe.Cli.Dlq;

/// <summary>
/// Keeps personal data off the operator's terminal with the services' masking rules (Proxe.Domain.Masking),
/// applied to whole message bodies and fault texts.
/// </summary>
public static partial class PiiMasker
{
    // The operator's terminal, not a web page: keep non-ASCII names and text readable.
    private static readonly JsonSerializerOptions Display = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> PhoneKeys = ["phone", "phonenormalized", "waid", "from", "to", "caller", "called"];

    private static readonly HashSet<string> TextKeys =
    [
        "name", "username", "platformusername", "profilename", "displayname", "firstname", "lastname", "fullname",
        "content", "text", "body", "caption", "transcription", "title",
    ];

    /// <summary>Emails and phone-like digit runs inside free text, e.g. an exception message.</summary>
    public static string Scrub(string text) =>
        PhoneLike().Replace(EmailLike().Replace(text, m => Masking.Email(m.Value)), m => IsoDate().IsMatch(m.Value) ? m.Value : Masking.Phone(m.Value));

    /// <summary>A message body for display: JSON with personal fields masked by name, anything else scrubbed.</summary>
    public static string Body(ReadOnlySpan<byte> body)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return $"({body.Length} bytes, not UTF-8 text)";
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return Scrub(text);
        }

        if (IsString(json, out var root))
            return JsonSerializer.Serialize(Scrub(root), Display);

        MaskInPlace(json, key: null);
        return json?.ToJsonString(Display) ?? "null";
    }

    private static void MaskInPlace(JsonNode? node, string? key)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (IsString(value, out var text))
                        obj[name] = Mask(Normalize(name), text);
                    else
                        MaskInPlace(value, Normalize(name));
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsString(array[i], out var text))
                        array[i] = Mask(key, text);
                    else
                        MaskInPlace(array[i], key);
                }

                break;
        }
    }

    private static string Mask(string? key, string text) => key switch
    {
        not null when key.Contains("email", StringComparison.Ordinal) => Masking.Email(text),
        not null when key.Contains("phone", StringComparison.Ordinal) || PhoneKeys.Contains(key) => Masking.Phone(text),
        not null when TextKeys.Contains(key) || key.EndsWith("summary", StringComparison.Ordinal)
                      || key.EndsWith("preview", StringComparison.Ordinal) => Masking.Text(text),
        _ => Scrub(text),
    };

    private static bool IsString(JsonNode? node, out string text)
    {
        var isString = node is JsonValue value && value.GetValueKind() == JsonValueKind.String;
        text = isString ? node!.GetValue<string>() : "";
        return isString;
    }

    private static string Normalize(string key) => key.Replace("_", "").Replace("-", "").ToLowerInvariant();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailLike();

    // 7+ digits, optionally spaced like "+91 98765 43210"; not inside ids, versions or timestamps.
    [GeneratedRegex(@"(?<![\w.:/-])\+?\d(?:[ \-]?\d){6,14}(?![\w.:/-])")]
    private static partial Regex PhoneLike();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();
}
