using System.Security.Cryptography;
using System.Text;

namespace Proxe.Gateway.Providers.Signatures;

/// <summary>
/// Meta's webhook signatures (WhatsApp Cloud API, Messenger, Instagram):
/// <c>X-Hub-Signature-256: sha256=hex(HMAC-SHA256(app secret, raw body))</c>. The legacy SHA-1 <c>X-Hub-Signature</c>
/// Messenger still sends beside it is not read.
/// </summary>
public static class HubSignature
{
    public const string Header = "X-Hub-Signature-256";

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, string? appSecret) =>
        Verify(body, header, appSecret, "sha256=", HMACSHA256.HashData);

    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    private delegate byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data);

    private static bool Verify(ReadOnlySpan<byte> body, string? header, string? secret, string prefix, Mac mac)
    {
        if (string.IsNullOrEmpty(secret) || header is null || !header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var expected = mac(Encoding.UTF8.GetBytes(secret), body);
        return Hex.TryDecode(header.AsSpan(prefix.Length).Trim(), expected.Length, out var received)
            && CryptographicOperations.FixedTimeEquals(expected, received);
    }
}
