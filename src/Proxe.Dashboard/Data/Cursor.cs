using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Proxe.Dashboard.Data;

/// <summary>Keyset position (sort timestamp, id) as an opaque URL-safe token.</summary>
public static class Cursor
{
    public static string Encode(DateTime at, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}|{id:N}"));

    public static bool TryDecode(string? token, out DateTime at, out Guid id)
    {
        at = default;
        id = default;
        if (string.IsNullOrEmpty(token) || token.Length > 100)
            return false;

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            return parts.Length == 2
                && DateTime.TryParseExact(parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out at)
                && Guid.TryParseExact(parts[1], "N", out id);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
