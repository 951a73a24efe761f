using Proxe.Domain;

namespace Proxe.Gateway.Brands;

/// <summary>
/// Brands served by this gateway, bound from "Proxe:Brands" (name → settings).
/// Secrets (keys, app secrets, auth tokens) come from environment or user secrets, never from the repo.
/// </summary>
public sealed class BrandOptions
{
    public const string Section = "Proxe";

    public Dictionary<string, BrandSettings> Brands { get; init; } = new(StringComparer.Ordinal);
}

public sealed class BrandSettings
{
    /// <summary>X-Proxe-Key for POST /v1/interactions.</summary>
    public string? ApiKey { get; init; }

    /// <summary>ISO 3166 region used to read national phone numbers ("IN": 098765 43210 → 919876543210).</summary>
    public string DefaultRegion { get; init; } = "US";

    /// <summary>
    /// The brand's own lines (reception, agents' phones, test numbers): a customer field holding one of them never
    /// identifies a customer, so calls and forms from the office do not all merge into one lead.
    /// </summary>
    public List<string> HouseNumbers { get; init; } = [];

    /// <summary><see cref="HouseNumbers"/> normalized, read once rather than for every phone.</summary>
    internal IReadOnlySet<string> NormalizedHouseNumbers =>
        field ??= HouseNumbers.Select(n => Phones.Normalize(n, DefaultRegion)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    public WhatsAppSettings WhatsApp { get; init; } = new();
    public TwilioSettings Twilio { get; init; } = new();
    public MetaSettings Meta { get; init; } = new();
    public WebWidgetSettings WebWidget { get; init; } = new();
}

public sealed class WhatsAppSettings
{
    /// <summary>metadata.phone_number_id values that belong to this brand.</summary>
    public List<string> PhoneNumberIds { get; init; } = [];
    public string? AppSecret { get; init; }
    public string? VerifyToken { get; init; }
}

public sealed class TwilioSettings
{
    /// <summary>E.164 numbers (the webhook's To) that belong to this brand.</summary>
    public List<string> PhoneNumbers { get; init; } = [];
    public string? AuthToken { get; init; }

    /// <summary>TwiML answered to an incoming call.</summary>
    public string? IncomingCallTwiml { get; init; }
}

public sealed class MetaSettings
{
    /// <summary>Facebook page ids (Messenger) that belong to this brand.</summary>
    public List<string> PageIds { get; init; } = [];

    /// <summary>Instagram professional account ids that belong to this brand.</summary>
    public List<string> InstagramAccountIds { get; init; } = [];
    public string? AppSecret { get; init; }
    public string? VerifyToken { get; init; }
}

public sealed class WebWidgetSettings
{
    /// <summary>Shared secret for X-Proxe-Signature: sha256=HMAC(secret, "{timestamp}.{body}").</summary>
    public string? Secret { get; init; }
}
