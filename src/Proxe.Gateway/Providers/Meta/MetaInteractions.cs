using System.Text.Json;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Domain;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Providers.Meta;

/// <summary>
/// Maps Messenger and Instagram webhooks to social interactions, routed by entry.id (page id or Instagram account id).
/// Echoes of the brand's own messages and comments are not interactions of the customer and are ignored.
/// </summary>
public static class MetaInteractions
{
    public const int PreviewLength = 200;

    public static WebhookBatch Map(MetaWebhook webhook, BrandCatalog brands, DateTimeOffset receivedAt)
    {
        var batch = new WebhookBatch();
        var platform = webhook.Object switch
        {
            "instagram" => Platforms.Instagram,
            "page" => Platforms.Messenger,
            _ => null,
        };
        if (platform is null)
        {
            batch.Errors.Add("object must be 'instagram' or 'page'.");
            return batch;
        }

        foreach (var (entry, e) in (webhook.Entry ?? []).Select((entry, e) => (entry, e)))
        {
            var routed = platform == Platforms.Instagram
                ? brands.TryGetByInstagramAccountId(entry.Id, out var brand, out var settings)
                : brands.TryGetByMetaPageId(entry.Id, out brand, out settings);
            if (!routed)
            {
                batch.UnknownAccounts.Add(entry.Id ?? "(no entry id)");
                continue;
            }

            batch.Brands[brand!] = settings!;
            var account = new Account(brand!, platform, entry.Id!, ProviderJson.FromUnix(entry.Time) ?? receivedAt, receivedAt);

            foreach (var (messaging, m) in (entry.Messaging ?? []).Select((messaging, m) => (messaging, m)))
            {
                Add(batch, FromMessaging(messaging, account, out var error), $"entry[{e}].messaging[{m}]", error);
            }

            // While another app (a live-chat inbox) owns the thread, the customer's messages come only here.
            foreach (var (messaging, m) in (entry.Standby ?? []).Select((messaging, m) => (messaging, m)))
            {
                Add(batch, FromMessaging(messaging, account, out var error), $"entry[{e}].standby[{m}]", error);
            }

            foreach (var (change, c) in (entry.Changes ?? []).Select((change, c) => (change, c)))
            {
                Add(batch, FromChange(change, account, out var error), $"entry[{e}].changes[{c}]", error);
            }
        }

        return batch;
    }

    private sealed record Account(string Brand, string Platform, string AccountId, DateTimeOffset EntryTime, DateTimeOffset ReceivedAt);

    private static void Add(WebhookBatch batch, ChannelInteractionReceived? interaction, string path, string? error)
    {
        if (interaction is not null)
            batch.Interactions.Add(interaction);
        else if (error is not null)
            batch.Errors.Add($"{path}: {error}");
        else
            batch.Ignored++;
    }

    private static ChannelInteractionReceived? FromMessaging(MetaMessaging messaging, Account account, out string? error)
    {
        error = null;
        if (messaging.Message?.IsEcho == true || messaging.Sender?.Id == account.AccountId)
        {
            return null;
        }

        if (messaging.Sender?.Id is not { } senderId)
        {
            if ((messaging.Message ?? (object?)messaging.Postback ?? (object?)messaging.Reaction ?? messaging.MessageEdit) is not null)
                error = "sender.id is missing.";
            return null;
        }

        var from = new From(senderId, messaging.Sender.Username, ProviderJson.FromUnix(messaging.Timestamp) ?? account.EntryTime);
        switch (messaging)
        {
            // An unsent message repeats the mid of the original, which stays in the journey.
            case { Message.IsDeleted: true }:
                return null;
            case { Message.Mid: null }:
                error = "message.mid is missing.";
                return null;
            case { Message: { } message }:
                return FromMessage(account, from, message, messaging.Referral);
            case { Postback: { } postback }:
                return FromPostback(account, from, postback, messaging.Timestamp);
            case { Reaction: { } reaction }:
                return FromReaction(account, from, reaction, messaging.Timestamp);
            // Messages are append-only: the edit is recorded beside the original, keyed by its edit count.
            case { MessageEdit: { Mid: { } editedMid } edit }:
                return Interaction(account, from, $"edit:{editedMid}:{edit.NumEdit}",
                    CustomerMessage(edit.Text, "message_edit", ("edited_mid", editedMid), ("num_edit", edit.NumEdit)),
                    "dm", null, edit.Text);
            // An existing conversation re-opened from an ad, an m.me / ig.me link or a QR code: the touchpoint's source.
            case { Referral: { ValueKind: JsonValueKind.Object } referral }:
                var source = JsonFields.Text(referral, "source");
                return Interaction(account, from, $"referral:{senderId}:{messaging.Timestamp}",
                    CustomerMessage(null, "referral", ("referral", referral)),
                    "referral", JsonFields.Text(referral, "ad_id"), source is null ? "[referral]" : $"[referral: {source}]");
            // Read and delivery receipts, opt-ins, handover events...
            default:
                return null;
        }
    }

    private sealed record From(string UserId, string? Username, DateTimeOffset OccurredAt);

    private static ChannelInteractionReceived FromMessage(Account account, From from, MetaMessage message, JsonElement? messagingReferral)
    {
        var type = message switch
        {
            { IsUnsupported: true } => "unsupported",
            { QuickReply: not null } => "quick_reply",
            { Attachments: [{ Type: { } attachmentType }, ..] } => attachmentType,
            { ReplyTo.Story: not null } => "story_reply",
            _ => "text",
        };
        var engagement = message switch
        {
            { Attachments: [{ Type: "story_mention" }, ..] } => "story_mention",
            { ReplyTo.Story: not null } => "story_reply",
            _ => "dm",
        };
        return Interaction(account, from, message.Mid!,
            CustomerMessage(message.Text, type,
                ("attachments", message.Attachments),
                ("quick_reply_payload", message.QuickReply?.Payload),
                ("reply_to_mid", message.ReplyTo?.Mid),
                ("story", message.ReplyTo?.Story),
                ("referral", message.Referral ?? messagingReferral)),
            engagement, message.ReplyTo?.Story?.Id, message.Text ?? $"[{type}]");
    }

    private static ChannelInteractionReceived FromPostback(Account account, From from, MetaPostback postback, long? timestamp) =>
        Interaction(account, from, postback.Mid ?? $"postback:{from.UserId}:{timestamp}",
            CustomerMessage(postback.Title, "postback", ("payload", postback.Payload), ("referral", postback.Referral)),
            "postback", null, postback.Title);

    private static ChannelInteractionReceived FromReaction(Account account, From from, MetaReaction reaction, long? timestamp)
    {
        var emoji = reaction.Emoji ?? reaction.Reaction;
        return Interaction(account, from, $"reaction:{reaction.Mid}:{from.UserId}:{reaction.Action}:{timestamp}",
            CustomerMessage(emoji, "reaction", ("reacted_message_id", reaction.Mid), ("action", reaction.Action), ("reaction", reaction.Reaction)),
            "reaction", reaction.Mid, emoji);
    }

    private static InteractionMessage CustomerMessage(string? content, string type, params ReadOnlySpan<(string Key, object? Value)> metadata) => new()
    {
        Sender = Senders.Customer,
        Content = content,
        Type = type,
        Metadata = ProviderJson.Object(metadata),
    };

    private static ChannelInteractionReceived? FromChange(MetaChange change, Account account, out string? error)
    {
        error = null;
        var isComment = change.Field switch
        {
            "comments" or "live_comments" => account.Platform == Platforms.Instagram,
            "feed" => JsonFields.Text(change.Value, "item") == "comment" && JsonFields.Text(change.Value, "verb") == "add",
            _ => false,
        };
        if (!isComment)
        {
            return null;
        }

        MetaChangeValue? value;
        try
        {
            value = change.Value?.Deserialize<MetaChangeValue>(ProviderJson.Options);
        }
        catch (JsonException ex)
        {
            error = $"the comment does not have the documented shape at {ex.Path ?? "$"}.";
            return null;
        }

        if (value is null || value.From?.Id == account.AccountId)
        {
            return null;
        }

        var commentId = value.Id ?? value.CommentId;
        var text = value.Text ?? value.Message;
        var contentId = value.Media?.Id ?? value.PostId;
        if (commentId is null || value.From?.Id is null)
        {
            error = "a comment needs its id and from.id.";
            return null;
        }

        var from = new From(value.From.Id, value.From.Username, ProviderJson.FromUnix(value.CreatedTime) ?? account.EntryTime);
        var interaction = Interaction(account, from, commentId,
            CustomerMessage(text, "comment",
                ("comment_id", commentId),
                ("parent_id", value.ParentId),
                ("media_id", value.Media?.Id),
                ("media_product_type", value.Media?.MediaProductType),
                ("post_id", value.PostId),
                ("field", change.Field)),
            "comment", contentId, text);
        return interaction with { Customer = interaction.Customer with { Name = value.From.Name } };
    }

    private static ChannelInteractionReceived Interaction(
        Account account, From from, string externalEventId, InteractionMessage message, string engagementType, string? contentId, string? preview)
    {
        var (userId, username, occurredAt) = from;
        return new()
        {
            InteractionId = InteractionIds.For(account.Brand, Channels.Social, externalEventId),
            Channel = Channels.Social,
            Brand = account.Brand,
            ExternalEventId = externalEventId,
            OccurredAt = occurredAt,
            ReceivedAt = account.ReceivedAt,
            Customer = new CustomerInfo { Platform = account.Platform, PlatformUserId = userId, Username = username },
            SessionKey = $"{account.Platform}:{userId}",
            Message = message,
            Social = new SocialDetail
            {
                Platform = account.Platform,
                PlatformUserId = userId,
                PlatformUsername = username,
                EngagementType = engagementType,
                ContentId = contentId,
                EngagementPreview = Text.Truncate(preview, PreviewLength),
                ChannelData = ProviderJson.Object(("account_id", account.AccountId)),
            },
        };
    }
}
