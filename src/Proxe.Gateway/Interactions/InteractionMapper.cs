using Proxe.Contracts;
using Proxe.Domain;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Interactions;

/// <summary>
/// Turns a posted interaction into the contract: first what only the request shape can tell (required parts, the
/// channel's detail, an identity, the session key), then the brand, the deterministic id and the receive time, then
/// <see cref="InteractionContract"/> in <see cref="ContractMode.Refuse"/> for every field rule. Every problem is
/// collected under its snake_case field path.
/// </summary>
public static class InteractionMapper
{
    public const int MaxBatch = 100;

    /// <returns>The interaction, or null when <paramref name="errors"/> received at least one problem.</returns>
    public static ChannelInteractionReceived? Map(
        InteractionRequest request, string prefix, string brand, BrandSettings settings, DateTimeOffset now, Errors errors)
    {
        var before = errors.Count;
        var sessionKey = Validate(request, prefix, settings, errors);
        var interaction = Build(request, brand, sessionKey, now);
        if (interaction is null)
            return null;

        var enforced = InteractionContract.Enforce(interaction, settings, ContractMode.Refuse, errors, prefix);
        return errors.Count > before ? null : enforced;
    }

    /// <returns>The session key, given or derived from the channel detail; null when there is none.</returns>
    private static string? Validate(InteractionRequest request, string prefix, BrandSettings settings, Errors errors)
    {
        string Field(string name) => prefix + name;

        if (request.OccurredAt is null)
            errors.Add(Field("occurred_at"), "Required (ISO 8601 with offset).");

        if (request.Customer is not { } customer)
        {
            errors.Add(Field("customer"), "Required, with a phone, an email or a platform and platform_user_id.");
        }
        else
        {
            var hasPlatform = !string.IsNullOrWhiteSpace(customer.Platform);
            var hasPlatformUser = !string.IsNullOrWhiteSpace(customer.PlatformUserId);
            if (hasPlatform != hasPlatformUser)
                errors.Add(Field(hasPlatform ? "customer.platform_user_id" : "customer.platform"), "platform and platform_user_id go together.");

            if (string.IsNullOrWhiteSpace(customer.Phone) && string.IsNullOrWhiteSpace(customer.Email) && !(hasPlatform && hasPlatformUser)
                && string.IsNullOrWhiteSpace(customer.BusinessScopedUserId))
                errors.Add(Field("customer"), "At least one identity is required: phone, email, platform + platform_user_id, or business_scoped_user_id.");
        }

        DetailMatchesChannel(errors, Field("web"), request.Web is not null, request.Channel, Channels.Web);
        DetailMatchesChannel(errors, Field("whatsapp"), request.WhatsApp is not null, request.Channel, Channels.WhatsApp);
        DetailMatchesChannel(errors, Field("voice"), request.Voice is not null, request.Channel, Channels.Voice);
        DetailMatchesChannel(errors, Field("social"), request.Social is not null, request.Channel, Channels.Social);
        if (request.Channel == Channels.Voice && request.Voice is null)
            errors.Add(Field("voice"), "Required for channel voice (call_sid identifies the call).");
        if (request.Channel == Channels.Social && request.Social is null)
            errors.Add(Field("social"), "Required for channel social (platform and platform_user_id identify the conversation).");

        var sessionKey = NonBlank(request.SessionKey) ?? DeriveSessionKey(request, settings);
        if (sessionKey is null && Channels.IsKnown(request.Channel))
            errors.Add(Field("session_key"), "Required when the channel detail does not carry the session's key.");
        return sessionKey;
    }

    /// <summary>The contract as posted; missing required values stay empty, so the contract names them.</summary>
    private static ChannelInteractionReceived? Build(InteractionRequest request, string brand, string? sessionKey, DateTimeOffset now)
    {
        if (request.Customer is not { } customer || request.OccurredAt is not { } occurredAt)
            return null;

        var channel = request.Channel ?? "";
        var externalEventId = request.ExternalEventId?.Trim() ?? "";
        return new ChannelInteractionReceived
        {
            InteractionId = InteractionIds.For(brand, channel, externalEventId),
            Channel = channel,
            Brand = brand,
            ExternalEventId = externalEventId,
            OccurredAt = occurredAt,
            ReceivedAt = now,
            // The gateway normalizes the phone itself; a client's phone_normalized is not trusted.
            Customer = customer with { PhoneNormalized = null },
            SessionKey = sessionKey ?? "",
            Message = request.Message is { } m
                ? new InteractionMessage { Sender = m.Sender ?? "", Content = m.Content, Type = string.IsNullOrWhiteSpace(m.Type) ? "text" : m.Type, Metadata = m.Metadata }
                : null,
            Web = request.Web,
            WhatsApp = request.WhatsApp,
            Voice = request.Voice,
            Social = request.Social,
        };
    }

    private static string? DeriveSessionKey(InteractionRequest request, BrandSettings settings) => request.Channel switch
    {
        Channels.Web => NonBlank(request.Web?.ExternalSessionId) ?? NonBlank(request.Web?.ChatSessionId),
        Channels.WhatsApp => NonBlank(request.WhatsApp?.ContactId)
                             ?? Phones.Normalize(request.Customer?.Phone, settings.DefaultRegion)
                             ?? NonBlank(request.Customer?.BusinessScopedUserId),
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
}
