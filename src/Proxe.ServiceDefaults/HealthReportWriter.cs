using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proxe.ServiceDefaults;

/// <summary>
/// Writes a health report as JSON that says why a service is not ready: every check with its status, description and
/// data. Exceptions appear by type only, and credentials in a description or value (a connection string's password, a
/// URI's user info) are blanked: probes and whoever can reach them must never see a secret.
/// </summary>
public static partial class HealthReportWriter
{
    const string Redacted = "***";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(ToJson(report));
    }

    public static string ToJson(HealthReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                if (entry.Description is not null)
                    json.WriteString("description", Redact(entry.Description));
                json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                if (entry.Exception is not null)
                    json.WriteString("error", entry.Exception.GetType().Name);
                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                        WriteValue(json, key, value);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool flag: json.WriteBoolean(key, flag); break;
            case int or long or short or byte or uint or ulong: json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double or float or decimal: json.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case TimeSpan span: json.WriteNumber(key, Math.Round(span.TotalSeconds, 3)); break;
            case DateTimeOffset at: json.WriteString(key, at); break;
            case DateTime at: json.WriteString(key, at); break;
            case IEnumerable<string> items:
                json.WriteStartArray(key);
                foreach (var item in items)
                    json.WriteStringValue(Redact(item));
                json.WriteEndArray();
                break;
            default: json.WriteString(key, Redact(value.ToString() ?? "")); break;
        }
    }

    /// <summary>Blanks <c>Password=...</c> (and its aliases) in connection strings and <c>user:password@</c> in URIs.</summary>
    public static string Redact(string text) =>
        UserInfo().Replace(ConnectionStringSecret().Replace(text, match => match.Groups["key"].Value + "=" + Redacted), "://" + Redacted + "@");

    [GeneratedRegex(@"(?<key>\b(?:password|pwd|secret|api[_ ]?key|access[_ ]?token))\s*=\s*(?:'[^']*'|""[^""]*""|[^;,\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringSecret();

    [GeneratedRegex(@"://[^/@\s:]*:[^/@\s]*@")]
    private static partial Regex UserInfo();
}
