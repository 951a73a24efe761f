using System.Net.Mail;
using System.Text;
using Proxe.Contracts;

namespace Proxe.Gateway.Interactions;

/// <summary>
/// Validates a posted interaction and turns it into the contract: brand from the key, deterministic id,
/// normalized phone, derived session key. Every problem is collected under its snake_case field path.
/// </summary>
public static class InteractionMapper
{
    public const int MaxBatch = 100;
    public const int MaxContentBytes = 64 * 1024;
    public const int MaxName = 256;
    private const int MaxPhone = 64;
    private const int MaxType = 64;
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] KnownPlatforms = [Platforms.WhatsApp, Platforms.Instagram, Platforms.Messenger, Platforms.WebVisitor];

    /// <returns>The interaction, or null when <paramref name="errors"/> received at least one problem.</returns>
    public static ChannelInteractionReceived? Map(
        InteractionRequest request, string prefix, string brand, string defaultRegion, DateTimeOffset now, Errors errors)
    {
        var before = errors.Count;
        string Field(string name) => prefix + name;

        if (!Channels.IsKnown(request.Channel))
            errors.Add(Field("channel"), $"Must be one of: {string.Join(", ", Channels.All)}.");

        Bounded(errors, Field("external_event_id"), request.ExternalEventId, MaxName, required: true);

        switch (request.OccurredAt)
        {
            case null:
                errors.Add(Field("occurred_at"), "Required (ISO 8601 with offset).");
                break;
            case { } at when at < Earliest:
                errors.Add(Field("occurred_at"), "Must not be before 2000-01-01.");
                break;
            case { } at when at > now + FutureSkew:
                errors.Add(Field("occurred_at"), "Must not be more than 5 minutes in the future.");
                break;
        }

        var customer = request.Customer;
        string? phoneNormalized = null;
        if (customer is null)
        {
            errors.Add(Field("customer"), "Required, with a phone, an email or a platform and platform_user_id.");
        }
        else
        {
            Bounded(errors, Field("customer.name"), customer.Name, MaxName);
            Bounded(errors, Field("customer.username"), customer.Username, MaxName);
            Bounded(errors, Field("customer.platform_user_id"), customer.PlatformUserId, MaxName);
            Bounded(errors, Field("customer.business_scoped_user_id"), customer.BusinessScopedUserId, MaxName);

            if (Bounded(errors, Field("customer.phone"), customer.Phone, MaxPhone) && !string.IsNullOrWhiteSpace(customer.Phone))
            {
                phoneNormalized = PhoneNormalizer.Normalize(customer.Phone, defaultRegion);
                if (phoneNormalized is null)
                    errors.Add(Field("customer.phone"), "Not a phone number.");
            }

            var hasEmail = !string.IsNullOrWhiteSpace(customer.Email);
            if (Bounded(errors, Field("customer.email"), customer.Email, MaxName) && hasEmail && !MailAddress.TryCreate(customer.Email!.Trim(), out _))
                errors.Add(Field("customer.email"), "Not an email address.");

            var hasPlatform = !string.IsNullOrWhiteSpace(customer.Platform);
            var hasPlatformUser = !string.IsNullOrWhiteSpace(customer.PlatformUserId);
            if (hasPlatform && !KnownPlatforms.Contains(customer.Platform))
                errors.Add(Field("customer.platform"), $"Must be one of: {string.Join(", ", KnownPlatforms)}.");
            if (hasPlatform != hasPlatformUser)
                errors.Add(Field(hasPlatform ? "customer.platform_user_id" : "customer.platform"), "platform and platform_user_id go together.");

            var hasPhone = !string.IsNullOrWhiteSpace(customer.Phone);
            if (!hasPhone && !hasEmail && !(hasPlatform && hasPlatformUser) && string.IsNullOrWhiteSpace(customer.BusinessScopedUserId))
                errors.Add(Field("customer"), "At least one identity is required: phone, email, platform + platform_user_id, or business_scoped_user_id.");
        }

        if (request.Message is { } message)
        {
            if (!Senders.IsKnown(message.Sender))
                errors.Add(Field("message.sender"), "Must be one of: customer, agent, system.");
            if (message.Content is not null && Encoding.UTF8.GetByteCount(message.Content) > MaxContentBytes)
                errors.Add(Field("message.content"), $"Must be at most {MaxContentBytes} bytes.");
            Bounded(errors, Field("message.type"), message.Type, MaxType);
        }

        DetailMatchesChannel(errors, Field("web"), request.Web is not null, request.Channel, Channels.Web);
        DetailMatchesChannel(errors, Field("whatsapp"), request.WhatsApp is not null, request.Channel, Channels.WhatsApp);
        DetailMatchesChannel(errors, Field("voice"), request.Voice is not null, request.Channel, Channels.Voice);
        DetailMatchesChannel(errors, Field("social"), request.Social is not null, request.Channel, Channels.Social);
        if (request.Channel == Channels.Voice && request.Voice is null)
            errors.Add(Field("voice"), "Required for channel voice (call_sid identifies the call).");
        if (request.Channel == Channels.Social && request.Social is null)
            errors.Add(Field("social"), "Required for channel social (platform and platform_user_id identify the conversation).");

        var sessionKey = string.IsNullOrWhiteSpace(request.SessionKey) ? DeriveSessionKey(request, phoneNormalized) : request.SessionKey.Trim();
        if (sessionKey is null && Channels.IsKnown(request.Channel))
            errors.Add(Field("session_key"), "Required when the channel detail does not carry the session's key.");
        else if (sessionKey is not null)
            Bounded(errors, Field("session_key"), sessionKey, MaxName);

        if (errors.Count > before)
            return null;

        var channel = request.Channel!;
        var externalEventId = request.ExternalEventId!.Trim();
        return new ChannelInteractionReceived
        {
            InteractionId = InteractionIds.For(brand, channel, externalEventId),
            Channel = channel,
            Brand = brand,
            ExternalEventId = externalEventId,
            OccurredAt = request.OccurredAt!.Value,
            ReceivedAt = now,
            Customer = customer! with
            {
                Email = string.IsNullOrWhiteSpace(customer.Email) ? null : customer.Email.Trim(),
                PhoneNormalized = phoneNormalized,
            },
            SessionKey = sessionKey!,
            Message = request.Message is { } m
                ? new InteractionMessage { Sender = m.Sender!, Content = m.Content, Type = string.IsNullOrWhiteSpace(m.Type) ? "text" : m.Type, Metadata = m.Metadata }
                : null,
            Web = request.Web,
            WhatsApp = request.WhatsApp,
            Voice = request.Voice,
            Social = request.Social,
        };
    }

    private static string? DeriveSessionKey(InteractionRequest request, string? phoneNormalized) => request.Channel switch
    {
        Channels.Web => NonBlank(request.Web?.ExternalSessionId) ?? NonBlank(request.Web?.ChatSessionId),
        Channels.WhatsApp => NonBlank(request.WhatsApp?.ContactId) ?? phoneNormalized ?? NonBlank(request.Customer?.BusinessScopedUserId),
        Channels.Voice => NonBlank(request.Voice?.CallSid),
        Channels.Social => NonBlank(request.Social?.PlatformUserId),
        _ => null,
    };

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void DetailMatchesChannel(Errors errors, string field, bool present, string? channel, string detailChannel)
    {
        if (present && Channels.IsKnown(channel) && channel != detailChannel)
            errors.Add(field, $"Only allowed for channel {detailChannel}.");
    }

    /// <returns>False when the value was too long (and an error was added).</returns>
    private static bool Bounded(Errors errors, string field, string? value, int max, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
                errors.Add(field, "Required.");
            return true;
        }
        if (value.Length <= max)
            return true;
        errors.Add(field, $"Must be at most {max} characters.");
        return false;
    }
}

/// <summary>Validation problems by field, in the shape <c>TypedResults.ValidationProblem</c> takes.</summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public void Add(string field, string problem)
    {
        if (!_byField.TryGetValue(field, out var problems))
            _byField[field] = problems = [];
        problems.Add(problem);
        Count++;
    }

    public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
