using System.Globalization;
using Proxe.Contracts;

namespace Proxe.Dashboard.Data;

/// <summary>
/// The dashboard's one way to read query and route parameters: every value arrives as text and is checked here, so a
/// malformed one is a 400 problem naming the field in every environment, never a binding exception.
/// </summary>
public sealed class QueryParameters
{
    public const int MaxTextLength = 200;

    public Dictionary<string, string[]> Errors { get; } = [];

    public bool Valid => Errors.Count == 0;

    public void Fail(string field, string message) => Errors[field] = [message];

    /// <summary>Trimmed text or null; control characters (NUL included) are refused, PostgreSQL cannot store NUL.</summary>
    public string? Text(string field, string? value, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.Length > maxLength)
            Fail(field, $"At most {maxLength} characters.");
        else if (value.Any(char.IsControl))
            Fail(field, "Control characters are not allowed.");
        else if (HasLoneSurrogate(value))
            Fail(field, "Not valid Unicode text.");
        return value.Trim();
    }

    public int Int(string field, string? value, int defaultValue, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
            return defaultValue;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        Fail(field, $"Must be a whole number between {min} and {max}.");
        return defaultValue;
    }

    public Guid? Guid(string field, string? value)
    {
        if (System.Guid.TryParse(value, out var id))
            return id;
        Fail(field, "Must be a lead id (a UUID).");
        return null;
    }

    public bool Bool(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return false;
        if (bool.TryParse(value, out var flag))
            return flag;
        Fail(field, "Must be true or false.");
        return false;
    }

    /// <summary>A date (2025-01-31, midnight UTC) or an ISO 8601 time; without an offset it is UTC.</summary>
    public DateTime? Time(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (value.Length <= 40 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time.UtcDateTime;
        Fail(field, "Must be a date (2025-01-31) or an ISO 8601 time.");
        return null;
    }

    public string? Channel(string field, string? value, bool required = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
                Fail(field, $"Required: one of {string.Join(", ", Channels.All)}.");
            return null;
        }
        if (!Channels.IsKnown(value))
            Fail(field, $"Must be one of {string.Join(", ", Channels.All)}.");
        return value;
    }

    /// <summary>[from, to): by default the last 30 days up to now; at most <paramref name="maxDays"/> days.</summary>
    public (DateTime From, DateTime To) Range(string? from, string? to, TimeProvider clock, int maxDays = 400)
    {
        var end = Time("to", to) ?? clock.GetUtcNow().UtcDateTime;
        var start = Time("from", from) ?? end.AddDays(-30);
        if (start >= end)
            Fail("from", "Must be before to.");
        else if ((end - start).TotalDays > maxDays)
            Fail("to", $"The range may span at most {maxDays} days.");
        return (start, end);
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                return true;
        }
        return false;
    }
}
