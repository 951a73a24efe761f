using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Proxe.Domain;

/// <summary>
/// The one constant-time comparison of keys and tokens. Both sides are hashed first, so the lengths are equal (which
/// FixedTimeEquals needs) and every candidate is compared with every known secret: timing tells neither a secret
/// nor which owner matched.
/// </summary>
public static class Secrets
{
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The owner whose secret hash equals <paramref name="candidate"/>'s, comparing against all of them.</summary>
    public static bool TryMatch<TOwner>(string? candidate, IEnumerable<(byte[] Hash, TOwner Owner)> known, [MaybeNullWhen(false)] out TOwner owner)
    {
        owner = default;
        if (string.IsNullOrEmpty(candidate))
            return false;

        var candidateHash = Hash(candidate);
        var matched = false;
        foreach (var (hash, who) in known)
        {
            if (CryptographicOperations.FixedTimeEquals(candidateHash, hash))
            {
                owner = who;
                matched = true;
            }
        }
        return matched;
    }

    /// <summary>True when <paramref name="candidate"/> equals any of the non-empty <paramref name="secrets"/>.</summary>
    public static bool MatchesAny(string? candidate, IEnumerable<string?> secrets) =>
        TryMatch(candidate, secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => (Hash(s!), true)), out _);
}
