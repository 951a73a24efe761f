namespace Proxe.Domain;

/// <summary>
/// What may appear in logs instead of personal data: phones and emails keep just enough to tell
/// two customers apart while debugging; message text only shows its length.
/// </summary>
public static class Masking
{
    /// <summary>"+919876543210" → "+91******3210"; "919876543210" → "91******3210"; short or empty → "***".</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
            return "";

        var digits = Phones.Digits(phone);
        if (digits.Length < 7)
            return "***";

        var plus = phone.TrimStart().StartsWith('+') ? "+" : "";
        return $"{plus}{digits[..2]}{new string('*', digits.Length - 6)}{digits[^4..]}";
    }

    /// <summary>"john.doe@example.com" → "j***@example.com"; anything without an @ → "***".</summary>
    public static string Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return "";

        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }

    /// <summary>Message text is never logged, only its size.</summary>
    public static string Text(string? text) => text is null ? "" : $"[{text.Length} chars]";
}
