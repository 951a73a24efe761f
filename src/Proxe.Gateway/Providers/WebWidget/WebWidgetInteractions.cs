using System.Security.Cryptography;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Domain;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Providers.WebWidget;

/// <summary>
/// Maps a web widget post to web interactions: one per chat message, each carrying the session state; a post without
/// messages (a booking or summary change) is one interaction without a message.
/// </summary>
public static class WebWidgetInteractions
{
    public const int MaxMessages = 100;
    public const int MaxIdLength = 256;

    /// <summary>
    /// The post as a batch for the shared receive pipeline: its brand must be configured (404 otherwise) and must be the
    /// one whose secret signed it.
    /// </summary>
    public static WebhookBatch ToBatch(WebWidgetEvent post, byte[] body, BrandCatalog brands, DateTimeOffset signedAt, DateTimeOffset receivedAt)
    {
        var batch = new WebhookBatch();
        if (string.IsNullOrWhiteSpace(post.Brand))
            batch.Errors.Add("brand is required.");
        else if (!brands.TryGet(post.Brand, out var settings))
            batch.UnknownAccountRefusal = $"No brand '{post.Brand}' is configured.";
        else
        {
            batch.Brands[post.Brand] = settings;
            batch.Interactions.AddRange(Map(post, body, post.Brand, settings, signedAt, receivedAt, batch.Errors));
        }
        return batch;
    }

    /// <returns>The post's interactions, or none when <paramref name="errors"/> received a problem.</returns>
    public static IReadOnlyList<ChannelInteractionReceived> Map(
        WebWidgetEvent post, byte[] body, string brand, BrandSettings settings, DateTimeOffset signedAt, DateTimeOffset receivedAt, List<string> errors)
    {
        var before = errors.Count;
        Validate(post, receivedAt, errors);
        return errors.Count > before ? [] : Build(post, body, brand, settings, signedAt, receivedAt);
    }

    /// <summary>What only the post's shape can tell; every field rule is the contract's, applied after mapping.</summary>
    private static void Validate(WebWidgetEvent post, DateTimeOffset receivedAt, List<string> errors)
    {
        var latest = receivedAt + InteractionContract.MaxClockAhead;
        if (string.IsNullOrWhiteSpace(post.ExternalSessionId))
            errors.Add("external_session_id is required.");
        CheckLength(errors, "external_session_id", post.ExternalSessionId);
        CheckLength(errors, "event_id", post.EventId);
        CheckLength(errors, "visitor.id", post.Visitor?.Id);
        if (post.OccurredAt > latest)
            errors.Add("occurred_at is in the future.");
        if (post.OccurredAt < InteractionContract.Earliest)
            errors.Add($"occurred_at is before {InteractionContract.Earliest:yyyy-MM-dd}.");
        if (post.Messages is { Count: > MaxMessages })
            errors.Add($"messages may hold at most {MaxMessages} items.");

        foreach (var (message, i) in (post.Messages ?? []).Select((message, i) => (message, i)))
        {
            if (string.IsNullOrWhiteSpace(message.Id))
                errors.Add($"messages[{i}].id is required.");
            CheckLength(errors, $"messages[{i}].id", message.Id);
            if (!Senders.IsKnown(message.Sender))
                errors.Add($"messages[{i}].sender must be customer, agent or system.");
            if (message.SentAt > latest)
                errors.Add($"messages[{i}].sent_at is in the future.");
            if (message.SentAt < InteractionContract.Earliest)
                errors.Add($"messages[{i}].sent_at is before {InteractionContract.Earliest:yyyy-MM-dd}.");
        }
    }

    private static IReadOnlyList<ChannelInteractionReceived> Build(
        WebWidgetEvent post, byte[] body, string brand, BrandSettings settings, DateTimeOffset signedAt, DateTimeOffset receivedAt)
    {
        var occurredAt = post.OccurredAt ?? signedAt;
        var template = new ChannelInteractionReceived
        {
            InteractionId = Guid.Empty,
            Channel = Channels.Web,
            Brand = brand,
            ExternalEventId = "",
            OccurredAt = occurredAt,
            ReceivedAt = receivedAt,
            Customer = new CustomerInfo
            {
                Name = post.Visitor?.Name,
                Email = post.Visitor?.Email,
                Phone = post.Visitor?.Phone,
                PhoneNormalized = Phones.Normalize(post.Visitor?.Phone, settings.DefaultRegion),
                Platform = Platforms.WebVisitor,
                // A visitor without a widget id is still one visitor for the length of the session.
                PlatformUserId = post.Visitor?.Id ?? post.ExternalSessionId,
            },
            SessionKey = post.ExternalSessionId!,
            Web = new WebDetail
            {
                ExternalSessionId = post.ExternalSessionId,
                ChatSessionId = post.ChatSessionId,
                WebsiteUrl = post.WebsiteUrl,
                BookingStatus = post.Booking?.Status,
                BookingDate = post.Booking?.Date,
                BookingTime = post.Booking?.Time,
                GoogleEventId = post.Booking?.GoogleEventId,
                ConversationSummary = post.ConversationSummary,
                UserInputsSummary = post.UserInputsSummary,
                SessionStatus = post.SessionStatus,
                ChannelData = post.ChannelData,
            },
        };

        if (post.Messages is not { Count: > 0 } messages)
        {
            // Same body, same id: a retried post is the same event; a changed state is a new one.
            var eventId = post.EventId ?? "state:" + Convert.ToHexStringLower(SHA256.HashData(body));
            return [template with { InteractionId = InteractionIds.For(brand, Channels.Web, eventId), ExternalEventId = eventId }];
        }

        return messages
            .Select(message => template with
            {
                InteractionId = InteractionIds.For(brand, Channels.Web, message.Id!),
                ExternalEventId = message.Id!,
                OccurredAt = message.SentAt ?? occurredAt,
                Message = new InteractionMessage
                {
                    Sender = message.Sender!,
                    Content = message.Content,
                    Type = string.IsNullOrWhiteSpace(message.Type) ? "text" : message.Type,
                    Metadata = message.Metadata,
                },
            })
            .ToList();
    }

    private static void CheckLength(List<string> errors, string field, string? value)
    {
        if (value is { Length: > MaxIdLength })
            errors.Add($"{field} may hold at most {MaxIdLength} characters.");
    }
}
