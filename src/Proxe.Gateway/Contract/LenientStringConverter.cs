using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Proxe.Gateway.Contract;

/// <summary>
/// Reads JSON strings as written, lone surrogate escapes ("\ud83d" alone) included, where System.Text.Json would throw
/// and lose the field's name. The contract then judges the text with every other rule, naming the field (/v1) or
/// repairing it (providers). Bodies are checked to be UTF-8 before they are read.
/// </summary>
public sealed class LenientStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"Expected a string, found {reader.TokenType}.");

        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        var text = Encoding.UTF8.GetString(raw);
        return reader.ValueIsEscaped ? Unescape(text) : text;
    }

    /// <summary>Provider text copied into metadata is written storable (Utf8JsonWriter would throw on a lone surrogate).</summary>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(Domain.Text.MakeStorable(value));

    /// <summary>JSON's escapes (RFC 8259 §7); the reader has already refused malformed ones.</summary>
    private static string Unescape(string escaped)
    {
        var text = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                text.Append(escaped[i]);
                continue;
            }

            var escape = escaped[++i];
            switch (escape)
            {
                case 'u':
                    text.Append((char)ushort.Parse(escaped.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                default: text.Append(escape); break; // \" \\ \/
            }
        }
        return text.ToString();
    }
}
