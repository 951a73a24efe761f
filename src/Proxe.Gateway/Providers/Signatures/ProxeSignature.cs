using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Proxe.Gateway.Providers.Signatures;

/// <summary>
/// The web widget's signature: <c>X-Proxe-Signature: sha256=hex(HMAC-SHA256(secret, "{X-Proxe-Timestamp}.{raw body}"))</c>.
/// The timestamp (unix seconds) is signed too, so a captured request cannot be replayed outside the window.
/// </summary>
public static class ProxeSignature
{
    public const string Header = "X-Proxe-Signature";
    public const string TimestampHeader = "X-Proxe-Timestamp";
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    public static bool IsValid(ReadOnlySpan<byte> body, string? timestamp, string? header, string? secret, DateTimeOffset now) =>
        TryParseTimestamp(timestamp, out var signedAt)
        && (now - signedAt).Duration() <= MaxSkew
        && header is not null
        && header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(secret)
        && Hex.TryDecode(header.AsSpan("sha256=".Length).Trim(), 32, out var received)
        && CryptographicOperations.FixedTimeEquals(Compute(body, timestamp!, secret), received);

    public static string Sign(ReadOnlySpan<byte> body, string timestamp, string secret) =>
        "sha256=" + Convert.ToHexStringLower(Compute(body, timestamp, secret));

    public static bool TryParseTimestamp(string? timestamp, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static byte[] Compute(ReadOnlySpan<byte> body, string timestamp, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
