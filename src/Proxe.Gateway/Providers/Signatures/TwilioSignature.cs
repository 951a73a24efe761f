using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Proxe.Gateway.Providers.Signatures;

/// <summary>
/// <c>X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + each POST param name+value))</c>, params sorted by name
/// then value with repeated values removed, as Twilio's SDKs do. Twilio is inconsistent about default ports, so like
/// the SDKs the URL is accepted with its port removed or with the scheme's default port added.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, StringValues>> parameters, string? header, string? authToken)
    {
        if (string.IsNullOrEmpty(authToken) || !TryDecodeBase64(header, out var received))
        {
            return false;
        }

        var signedParams = Canonical(parameters);
        var withoutPort = Compute(WithoutPort(url) + signedParams, authToken);
        var withPort = Compute(WithDefaultPort(url) + signedParams, authToken);

        // Both are computed and compared so the timing does not tell which variant matched.
        return CryptographicOperations.FixedTimeEquals(withoutPort, received)
            | CryptographicOperations.FixedTimeEquals(withPort, received);
    }

    /// <summary>JSON webhooks: the body is covered by the <c>bodySHA256</c> query parameter of the signed URL.</summary>
    public static bool IsValidJson(string url, ReadOnlySpan<byte> body, string? header, string? authToken)
    {
        var queryStart = url.IndexOf('?');
        if (queryStart < 0
            || !QueryHelpers.ParseQuery(url[queryStart..]).TryGetValue("bodySHA256", out var bodyHash)
            || !Hex.TryDecode(bodyHash.ToString(), 32, out var expectedHash)
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(body), expectedHash))
        {
            return false;
        }

        return IsValid(url, [], header, authToken);
    }

    public static string Sign(string url, IEnumerable<KeyValuePair<string, StringValues>> parameters, string authToken) =>
        Convert.ToBase64String(Compute(url + Canonical(parameters), authToken));

    private static string Canonical(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var data = new StringBuilder();
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct().Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }

        return data.ToString();
    }

    private static byte[] Compute(string data, string authToken) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data));

    private static bool TryDecodeBase64(string? header, out byte[] bytes)
    {
        bytes = new byte[20];
        return header is not null && Convert.TryFromBase64String(header.Trim(), bytes, out var written) && written == 20;
    }

    internal static string WithoutPort(string url)
    {
        var (prefix, host, port, rest) = Split(url);
        return port is null ? url : prefix + host + rest;
    }

    internal static string WithDefaultPort(string url)
    {
        var (prefix, host, port, rest) = Split(url);
        if (port is not null)
        {
            return url;
        }

        var defaultPort = prefix.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "443"
            : prefix.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "80"
            : null;
        return defaultPort is null ? url : prefix + host + ":" + defaultPort + rest;
    }

    /// <summary>Splits by hand: System.Uri would re-encode or drop the default port and change the signed bytes.</summary>
    private static (string Prefix, string Host, string? Port, string Tail) Split(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return (url, "", null, "");
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];
        var userInfoEnd = authority.LastIndexOf('@') + 1;
        var hostAndPort = authority[userInfoEnd..];
        var colon = hostAndPort.LastIndexOf(':');
        var prefix = url[..authorityStart] + authority[..userInfoEnd];
        var rest = url[authorityEnd..];

        // A colon inside brackets belongs to an IPv6 address, not to a port.
        if (colon < 0 || colon < hostAndPort.LastIndexOf(']'))
        {
            return (prefix, hostAndPort, null, rest);
        }

        return (prefix, hostAndPort[..colon], hostAndPort[(colon + 1)..], rest);
    }
}
