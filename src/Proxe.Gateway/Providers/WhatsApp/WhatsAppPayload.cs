using System.Text.Json;

namespace Proxe.Gateway.Providers.WhatsApp;

// The WhatsApp Cloud API "messages" webhook, as far as PROXe reads it (snake_case on the wire).

public sealed record WhatsAppWebhook(string? Object, IReadOnlyList<WhatsAppEntry>? Entry);

/// <summary>Id is the WhatsApp Business Account id.</summary>
public sealed record WhatsAppEntry(string? Id, IReadOnlyList<WhatsAppChange>? Changes);

public sealed record WhatsAppChange(string? Field, WhatsAppValue? Value);

public sealed record WhatsAppValue(
    string? MessagingProduct,
    WhatsAppMetadata? Metadata,
    IReadOnlyList<WhatsAppContact>? Contacts,
    IReadOnlyList<WhatsAppMessage>? Messages,
    IReadOnlyList<WhatsAppStatus>? Statuses,
    IReadOnlyList<WhatsAppError>? Errors);

public sealed record WhatsAppMetadata(string? DisplayPhoneNumber, string? PhoneNumberId);

/// <summary>
/// wa_id is the phone; user_id the business-scoped user id, the only id of a user who hides the phone behind a username.
/// identity_key_hash comes when the business checks for identity changes (a new device or reinstall).
/// </summary>
public sealed record WhatsAppContact(WhatsAppProfile? Profile, string? WaId, string? UserId, string? ParentUserId, string? IdentityKeyHash);

public sealed record WhatsAppProfile(string? Name, string? Username);

public sealed record WhatsAppMessage
{
    public string? From { get; init; }
    public string? FromUserId { get; init; }
    public string? Id { get; init; }
    public string? Timestamp { get; init; }
    public string? Type { get; init; }
    public WhatsAppText? Text { get; init; }
    public WhatsAppMedia? Image { get; init; }
    public WhatsAppMedia? Audio { get; init; }
    public WhatsAppMedia? Video { get; init; }
    public WhatsAppMedia? Document { get; init; }
    public WhatsAppMedia? Sticker { get; init; }
    public WhatsAppLocation? Location { get; init; }
    /// <summary>Contact cards the customer shared; kept whole in the metadata.</summary>
    public JsonElement? Contacts { get; init; }
    public WhatsAppInteractive? Interactive { get; init; }
    public WhatsAppButton? Button { get; init; }
    public WhatsAppReaction? Reaction { get; init; }
    public WhatsAppContext? Context { get; init; }
    public JsonElement? Referral { get; init; }
    public JsonElement? Order { get; init; }
    /// <summary>user_changed_number (body, wa_id or the older new_wa_id) or user_changed_user_id (user_id, previous_user_id).</summary>
    public JsonElement? System { get; init; }
    /// <summary>What WhatsApp could not deliver to the API, e.g. {"type":"edit"}; errors[] says why.</summary>
    public JsonElement? Unsupported { get; init; }
    /// <summary>Security notification: {acknowledged, created_timestamp, hash} when the customer's identity key changed.</summary>
    public JsonElement? Identity { get; init; }
    public IReadOnlyList<WhatsAppError>? Errors { get; init; }
}

public sealed record WhatsAppText(string? Body);

public sealed record WhatsAppMedia(string? Id, string? MimeType, string? Sha256, string? Caption, string? Filename, string? Url, bool? Voice, bool? Animated);

public sealed record WhatsAppLocation(double? Latitude, double? Longitude, string? Name, string? Address, string? Url);

/// <summary>type is button_reply, list_reply or nfm_reply (a WhatsApp Flow's answer).</summary>
public sealed record WhatsAppInteractive(string? Type, WhatsAppReply? ButtonReply, WhatsAppReply? ListReply, WhatsAppFlowReply? NfmReply);

public sealed record WhatsAppReply(string? Id, string? Title, string? Description);

public sealed record WhatsAppFlowReply(string? Name, string? Body, string? ResponseJson);

/// <summary>A template's quick-reply button.</summary>
public sealed record WhatsAppButton(string? Payload, string? Text);

/// <summary>An empty emoji means the customer removed the reaction.</summary>
public sealed record WhatsAppReaction(string? MessageId, string? Emoji);

/// <summary>The message this one replies to (id, from), or forwarding flags.</summary>
public sealed record WhatsAppContext(string? From, string? Id, bool? Forwarded, bool? FrequentlyForwarded, JsonElement? ReferredProduct);

public sealed record WhatsAppError(int? Code, string? Title, string? Message, WhatsAppErrorData? ErrorData);

public sealed record WhatsAppErrorData(string? Details);

public sealed record WhatsAppStatus(
    string? Id,
    string? Status,
    string? Timestamp,
    string? RecipientId,
    string? RecipientUserId,
    JsonElement? Conversation,
    JsonElement? Pricing,
    string? BizOpaqueCallbackData,
    IReadOnlyList<WhatsAppError>? Errors);
