using System.Text.Json;

namespace Proxe.Gateway.Providers.Meta;

// Messenger ("page") and Instagram ("instagram") webhooks: messaging[] for DMs, changes[] for comments.
// Timestamps in messaging[] are unix milliseconds.

public sealed record MetaWebhook(string? Object, IReadOnlyList<MetaEntry>? Entry);

/// <summary>
/// Id is the page id (Messenger) or the Instagram professional account id. standby[] carries the same events as
/// messaging[] while another app owns the conversation (handover protocol).
/// </summary>
public sealed record MetaEntry(
    string? Id, long? Time, IReadOnlyList<MetaMessaging>? Messaging, IReadOnlyList<MetaMessaging>? Standby, IReadOnlyList<MetaChange>? Changes);

public sealed record MetaMessaging(
    MetaParty? Sender,
    MetaParty? Recipient,
    long? Timestamp,
    MetaMessage? Message,
    MetaPostback? Postback,
    MetaReaction? Reaction,
    MetaMessageEdit? MessageEdit,
    JsonElement? Referral);

public sealed record MetaParty(string? Id, string? Username);

public sealed record MetaMessage(
    string? Mid,
    string? Text,
    bool? IsEcho,
    bool? IsDeleted,
    bool? IsUnsupported,
    IReadOnlyList<MetaAttachment>? Attachments,
    MetaQuickReply? QuickReply,
    MetaReplyTo? ReplyTo,
    JsonElement? Referral);

/// <summary>type: image, video, audio, file, share, story_mention, ig_reel, sticker, fallback...; payload holds url, title...</summary>
public sealed record MetaAttachment(string? Type, JsonElement? Payload);

public sealed record MetaQuickReply(string? Payload);

/// <summary>mid for a reply to a message, story for a reply to the account's story.</summary>
public sealed record MetaReplyTo(string? Mid, MetaStory? Story);

public sealed record MetaStory(string? Id, string? Url);

public sealed record MetaPostback(string? Mid, string? Title, string? Payload, JsonElement? Referral);

public sealed record MetaReaction(string? Mid, string? Action, string? Reaction, string? Emoji);

/// <summary>The customer edited message mid; text is the new content, num_edit counts the edits (at most five).</summary>
public sealed record MetaMessageEdit(string? Mid, string? Text, int? NumEdit);

/// <summary>Value is read as a comment only for the fields that carry comments; other fields hold other shapes.</summary>
public sealed record MetaChange(string? Field, JsonElement? Value);

/// <summary>
/// Instagram "comments": from {id, username}, media {id, media_product_type}, id, parent_id, text.
/// Page "feed" comment: from {id, name}, item = "comment", verb, comment_id, post_id, message, created_time (seconds).
/// </summary>
public sealed record MetaChangeValue(
    MetaFrom? From,
    MetaMedia? Media,
    string? Id,
    string? ParentId,
    string? Text,
    string? Item,
    string? Verb,
    string? CommentId,
    string? PostId,
    string? Message,
    long? CreatedTime);

public sealed record MetaFrom(string? Id, string? Username, string? Name);

public sealed record MetaMedia(string? Id, string? MediaProductType);
