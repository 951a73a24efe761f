namespace Proxe.Gateway.Providers.Signatures;

/// <summary>Hex signatures of a known length, decoded without exceptions so a malformed header is simply "not valid".</summary>
internal static class Hex
{
    public static bool TryDecode(ReadOnlySpan<char> hex, int length, out byte[] bytes)
    {
        bytes = new byte[length];
        return hex.Length == length * 2
            && Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == length;
    }
}
