using System.Globalization;
using System.Text.Json;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Domain;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Providers.WhatsApp;

/// <summary>
/// Maps a WhatsApp Cloud API webhook to interactions: one per message and one per status receipt, each routed to the
/// brand owning its metadata.phone_number_id. A receipt carries no Message, only WhatsApp.DeliveryStatus.
/// </summary>
public static class WhatsAppInteractions
{
    public const string Object = "whatsapp_business_account";

    public static WebhookBatch Map(WhatsAppWebhook webhook, BrandCatalog brands, DateTimeOffset receivedAt)
    {
        var batch = new WebhookBatch();
        if (webhook.Object != Object)
        {
            batch.Errors.Add($"object must be '{Object}'.");
            return batch;
        }

        foreach (var (entry, e) in (webhook.Entry ?? []).Select((entry, e) => (entry, e)))
        {
            foreach (var (change, c) in (entry.Changes ?? []).Select((change, c) => (change, c)))
            {
                // Other fields (template status, account updates...) are not customer interactions.
                if (change.Field != "messages" || change.Value is not { } value)
                {
                    batch.Ignored++;
                    continue;
                }

                var phoneNumberId = value.Metadata?.PhoneNumberId;
                if (!brands.TryGetByWhatsAppPhoneNumberId(phoneNumberId, out var brand, out var settings))
                {
                    batch.UnknownAccounts.Add(phoneNumberId ?? "(no phone_number_id)");
                    continue;
                }

                batch.Brands[brand] = settings;
                var account = new Account(brand, settings, entry.Id, phoneNumberId!, value.Metadata?.DisplayPhoneNumber);
                var path = $"entry[{e}].changes[{c}].value";

                // A webhook-level error (throughput, app or account trouble) comes without messages: the operator must see it.
                foreach (var (error, i) in (value.Errors ?? []).Select((error, i) => (error, i)))
                {
                    batch.ProviderErrors.Add($"{path}.errors[{i}]: {error.Code?.ToString(CultureInfo.InvariantCulture) ?? "?"} {error.Title ?? error.Message}");
                }

                foreach (var (message, m) in (value.Messages ?? []).Select((message, m) => (message, m)))
                {
                    if (FromMessage(message, value.Contacts, account, receivedAt, out var error) is { } interaction)
                        batch.Interactions.Add(interaction);
                    else
                        batch.Errors.Add($"{path}.messages[{m}]: {error}");
                }

                foreach (var (status, s) in (value.Statuses ?? []).Select((status, s) => (status, s)))
                {
                    if (FromStatus(status, value.Contacts, account, receivedAt, out var error) is { } interaction)
                        batch.Interactions.Add(interaction);
                    else
                        batch.Errors.Add($"{path}.statuses[{s}]: {error}");
                }
            }
        }

        return batch;
    }

    private sealed record Account(string Brand, BrandSettings Settings, string? BusinessAccountId, string PhoneNumberId, string? DisplayPhoneNumber);

    private static ChannelInteractionReceived? FromMessage(
        WhatsAppMessage message, IReadOnlyList<WhatsAppContact>? contacts, Account account, DateTimeOffset receivedAt, out string? error)
    {
        var customer = Customer.Of(message.From, message.FromUserId, contacts);
        error = message.Id is null ? "id is missing." : customer.IsUnknown ? "the sender (from / from_user_id) is missing." : null;
        if (error is not null)
        {
            return null;
        }

        var (content, type, metadata) = Content(message);
        return Interaction(account, message.Id!, customer, ProviderJson.FromUnix(message.Timestamp) ?? receivedAt, receivedAt) with
        {
            Message = new InteractionMessage
            {
                Sender = type == "system" ? Senders.System : Senders.Customer,
                Content = content,
                Type = type,
                Metadata = metadata,
            },
        };
    }

    private static ChannelInteractionReceived? FromStatus(
        WhatsAppStatus status, IReadOnlyList<WhatsAppContact>? contacts, Account account, DateTimeOffset receivedAt, out string? error)
    {
        var customer = Customer.Of(status.RecipientId, status.RecipientUserId, contacts);
        error = status.Id is null ? "id is missing." : status.Status is null ? "status is missing."
            : customer.IsUnknown ? "the recipient (recipient_id / recipient_user_id) is missing." : null;
        if (error is not null)
        {
            return null;
        }

        var firstError = status.Errors?.FirstOrDefault();
        var interaction = Interaction(account, $"status:{status.Id}:{status.Status}", customer, ProviderJson.FromUnix(status.Timestamp) ?? receivedAt, receivedAt);
        return interaction with
        {
            WhatsApp = interaction.WhatsApp! with
            {
                DeliveryStatus = new WhatsAppDeliveryStatus
                {
                    MessageId = status.Id!,
                    Status = status.Status!,
                    ErrorCode = firstError?.Code?.ToString(CultureInfo.InvariantCulture),
                    ErrorTitle = firstError?.Title ?? firstError?.Message,
                },
                ChannelData = ProviderJson.Object(
                    ("display_phone_number", account.DisplayPhoneNumber),
                    ("conversation", status.Conversation),
                    ("pricing", status.Pricing),
                    ("biz_opaque_callback_data", status.BizOpaqueCallbackData),
                    ("errors", status.Errors)),
            },
        };
    }

    private static ChannelInteractionReceived Interaction(
        Account account, string externalEventId, Customer customer, DateTimeOffset occurredAt, DateTimeOffset receivedAt)
    {
        var (waId, userId, contact) = customer;
        var contactId = (waId ?? userId)!;
        return new ChannelInteractionReceived
        {
            InteractionId = InteractionIds.For(account.Brand, Channels.WhatsApp, externalEventId),
            Channel = Channels.WhatsApp,
            Brand = account.Brand,
            ExternalEventId = externalEventId,
            OccurredAt = occurredAt,
            ReceivedAt = receivedAt,
            Customer = new CustomerInfo
            {
                Name = contact?.Profile?.Name,
                Phone = waId,
                // wa_id is always international, without the plus.
                PhoneNormalized = Phones.NormalizeVerified(waId),
                Platform = Platforms.WhatsApp,
                PlatformUserId = contactId,
                Username = contact?.Profile?.Username,
                BusinessScopedUserId = userId,
            },
            SessionKey = contactId,
            WhatsApp = new WhatsAppDetail
            {
                BusinessAccountId = account.BusinessAccountId,
                PhoneNumberId = account.PhoneNumberId,
                ContactId = contactId,
                ChannelData = ProviderJson.Object(
                    ("display_phone_number", account.DisplayPhoneNumber),
                    ("parent_user_id", contact?.ParentUserId),
                    ("identity_key_hash", contact?.IdentityKeyHash)),
            },
        };
    }

    /// <summary>The customer a message comes from or a receipt goes to: a wa_id, a business-scoped user id or both, completed from contacts[].</summary>
    private sealed record Customer(string? WaId, string? UserId, WhatsAppContact? Contact)
    {
        public bool IsUnknown => WaId is null && UserId is null;

        public static Customer Of(string? from, string? fromUserId, IReadOnlyList<WhatsAppContact>? contacts)
        {
            // A wa_id is digits only; anything else in "from" is a business-scoped user id.
            var (waId, userId) = from is not null && !from.All(char.IsAsciiDigit) ? (null, fromUserId ?? from) : (from, fromUserId);
            var contact = ContactOf(contacts, waId, userId);
            return new Customer(waId ?? contact?.WaId, userId ?? contact?.UserId, contact);
        }

        private static WhatsAppContact? ContactOf(IReadOnlyList<WhatsAppContact>? contacts, string? waId, string? userId)
        {
            if (contacts is null)
                return null;
            if (waId is null && userId is null)
                return contacts.Count == 1 ? contacts[0] : null;
            return contacts.FirstOrDefault(c => (waId is not null && c.WaId == waId) || (userId is not null && c.UserId == userId));
        }
    }

    /// <summary>What a message says, by type: its text (a caption, a title, an emoji...) and the type's own metadata fields.</summary>
    private static (string? Content, string Type, JsonElement? Metadata) Content(WhatsAppMessage message)
    {
        var type = message.Type ?? "unknown";
        Part part = type switch
        {
            "text" => new(message.Text?.Body, []),
            "image" or "video" or "audio" or "document" or "sticker" => Media(type, message),
            "location" => Location(message.Location),
            "contacts" => new(string.Join("; ", SharedContactNames(message.Contacts)), [("contacts", message.Contacts)]),
            "interactive" => Interactive(message.Interactive),
            "button" => new(message.Button?.Text, [("payload", message.Button?.Payload)]),
            "reaction" => new(message.Reaction?.Emoji, [
                ("reacted_message_id", message.Reaction?.MessageId),
                ("removed", string.IsNullOrEmpty(message.Reaction?.Emoji) ? true : null)]),
            "order" => new(JsonFields.Text(message.Order, "text"), [("order", message.Order)]),
            "system" => SystemChange(message.System),
            // "unsupported"/"unknown": WhatsApp tells why in errors[]; the type is kept as sent.
            _ => new(null, [("whatsapp_type", message.Type), ("unsupported", message.Unsupported)]),
        };

        var context = message.Context is { } c
            ? ProviderJson.Object(("id", c.Id), ("from", c.From), ("forwarded", c.Forwarded), ("frequently_forwarded", c.FrequentlyForwarded), ("referred_product", c.ReferredProduct))
            : null;
        var metadata = ProviderJson.Object([
            .. part.Fields, ("context", context), ("referral", message.Referral), ("identity", message.Identity), ("errors", message.Errors)]);
        return (string.IsNullOrEmpty(part.Content) ? null : part.Content, type, metadata);
    }

    private sealed record Part(string? Content, IReadOnlyList<(string Key, object? Value)> Fields);

    private static Part Media(string type, WhatsAppMessage message)
    {
        var media = type switch
        {
            "image" => message.Image,
            "video" => message.Video,
            "audio" => message.Audio,
            "document" => message.Document,
            _ => message.Sticker,
        };
        return new(media?.Caption ?? (type == "document" ? media?.Filename : null), [
            ("media_id", media?.Id), ("mime_type", media?.MimeType), ("sha256", media?.Sha256), ("caption", media?.Caption),
            ("filename", media?.Filename), ("url", media?.Url), ("voice", media?.Voice), ("animated", media?.Animated)]);
    }

    private static Part Location(WhatsAppLocation? location)
    {
        var content = string.Join(", ", new[] { location?.Name, location?.Address }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (content.Length == 0 && location?.Latitude is { } lat && location.Longitude is { } lon)
            content = string.Create(CultureInfo.InvariantCulture, $"{lat}, {lon}");
        return new(content, [
            ("latitude", location?.Latitude), ("longitude", location?.Longitude), ("name", location?.Name),
            ("address", location?.Address), ("url", location?.Url)]);
    }

    private static Part Interactive(WhatsAppInteractive? interactive)
    {
        var reply = interactive?.ButtonReply ?? interactive?.ListReply;
        var flow = interactive?.NfmReply;
        return new(reply?.Title ?? flow?.Body ?? flow?.Name, [
            ("interactive_type", interactive?.Type), ("reply_id", reply?.Id), ("title", reply?.Title),
            ("description", reply?.Description), ("flow_name", flow?.Name), ("response_json", flow?.ResponseJson)]);
    }

    /// <summary>
    /// The customer's new number (wa_id; new_wa_id before v12) or new business-scoped id: the hint that links the new
    /// identity to this lead. The message itself still comes from the old one.
    /// </summary>
    private static Part SystemChange(JsonElement? system) => new(JsonFields.Text(system, "body"), [
        ("system_type", JsonFields.Text(system, "type")),
        ("new_wa_id", JsonFields.Text(system, "wa_id") ?? JsonFields.Text(system, "new_wa_id")),
        ("new_user_id", JsonFields.Text(system, "user_id")),
        ("previous_user_id", JsonFields.Text(system, "previous_user_id")),
        ("system", system)]);

    private static IEnumerable<string> SharedContactNames(JsonElement? contacts)
    {
        if (contacts is not { ValueKind: JsonValueKind.Array } array)
            yield break;

        foreach (var card in array.EnumerateArray())
        {
            if (card.ValueKind == JsonValueKind.Object && card.TryGetProperty("name", out var name)
                && JsonFields.Text(name, "formatted_name") is { } formatted)
            {
                yield return formatted;
            }
        }
    }
}
