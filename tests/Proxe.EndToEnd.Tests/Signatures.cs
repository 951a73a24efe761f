using System.Security.Cryptography;
using System.Text;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Signs requests the way each provider does, written from the providers' documentation (and checked against the
/// vectors in the samples) rather than borrowed from the gateway, so a gateway bug cannot cancel itself out.
/// </summary>
public static class Signatures
{
    /// <summary>Meta: <c>X-Hub-Signature-256: sha256=hex(HMAC-SHA256(app secret, raw body))</c>.</summary>
    public static string Meta(byte[] body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>Twilio: <c>base64(HMAC-SHA1(auth token, url + name+value for each param sorted by name, then value, duplicates removed))</c>.</summary>
    public static string Twilio(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken)
    {
        var data = new StringBuilder(url);
        foreach (var group in parameters.GroupBy(p => p.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var value in group.Select(p => p.Value).Distinct().Order(StringComparer.Ordinal))
                data.Append(group.Key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>The PROXe web widget: <c>X-Proxe-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{raw body}"))</c>.</summary>
    public static string Widget(byte[] body, string timestamp, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(timestamp + ".").Concat(body).ToArray()));
}
