using System.Security.Cryptography;
using System.Text;

namespace Proxe.Gateway.Contract;

/// <summary>
/// Deterministic interaction ids: a provider retry of the same event gets the same id, so workers see a
/// redelivery rather than a new interaction.
/// </summary>
public static class InteractionIds
{
    /// <summary>The PROXe namespace for RFC 4122 version-5 ids. Never change it: stored ids depend on it.</summary>
    public static readonly Guid Namespace = new("5b0a3c1e-7d2f-4e8a-9c41-2f6d8b0e4a17");

    public static Guid For(string brand, string channel, string externalEventId) =>
        Version5(Namespace, $"{brand}\n{channel}\n{externalEventId}");

    /// <summary>RFC 4122 §4.3: SHA-1 over namespace bytes + UTF-8 name, version and variant bits set.</summary>
    internal static Guid Version5(Guid ns, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
