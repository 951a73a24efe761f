using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using Proxe.Contracts;
using Proxe.Domain;
using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Contract;

/// <summary>How a broken rule is handled: our own API refuses the request; a provider's event is kept and repaired.</summary>
public enum ContractMode
{
    /// <summary>/v1/interactions: every broken rule is a 400 naming its field.</summary>
    Refuse,

    /// <summary>
    /// Provider webhooks: a broken rule in a field that neither identifies the event nor its session is repaired (text
    /// truncated on a grapheme boundary, unstorable characters replaced, a bad phone, email or JSON dropped, an
    /// impossible time replaced by the receive time) and noted under <see cref="InteractionContract.NotesKey"/>; only
    /// keys refuse the event, as a missing id already did.
    /// </summary>
    Repair,
}

/// <summary>
/// The one input contract: what the gateway publishes, the workers can always store. Every field of
/// <see cref="ChannelInteractionReceived"/> has one rule here, applied to /v1 and to every provider mapper alike
/// right before publishing. The rules, field by field, are in Contract/README.md.
/// </summary>
public static class InteractionContract
{
    /// <summary>Where the repairs of <see cref="ContractMode.Repair"/> are listed: message metadata, else the channel detail's channel_data.</summary>
    public const string NotesKey = "gateway_notes";

    /// <summary>Natural keys and identities: unique btree indexes, so well inside PostgreSQL's 2,704-byte index row.</summary>
    public static readonly TextRule Key = new(255, 765);

    /// <summary>Names and usernames.</summary>
    public static readonly TextRule Name = new(256, 1024);

    /// <summary>RFC 5321's longest address.</summary>
    public static readonly TextRule Email = new(254, 254);

    /// <summary>Statuses, types, directions, sentiments: short words.</summary>
    public static readonly TextRule Label = new(64, 256);

    /// <summary>Provider ids that are not keys (chat session, calendar event, content, account ids, error codes).</summary>
    public static readonly TextRule Id = new(255, 765);

    public static readonly TextRule Url = new(2048, 8192);

    /// <summary>Message content, summaries, transcriptions, previews.</summary>
    public static readonly TextRule Body = new(64 * 1024, 64 * 1024);

    /// <summary>Each JSON field (metadata, channel_data, conversation_context), as serialized.</summary>
    public const int MaxJsonBytes = 256 * 1024;

    /// <summary>Provider time must lie in this window: earlier is a broken clock or a default value (0001-01-01).</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A clock this far ahead is tolerated; later times would pin the lead's last touchpoint in the future.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromMinutes(5);

    /// <returns>The interaction as it may be published (repaired in <see cref="ContractMode.Repair"/>), or null when <paramref name="errors"/> got a problem.</returns>
    public static ChannelInteractionReceived? Enforce(
        ChannelInteractionReceived interaction, BrandSettings brand, ContractMode mode, Errors errors, string prefix = "")
    {
        var check = new Check(mode, errors, prefix, interaction.ReceivedAt);
        var enforced = interaction with
        {
            Channel = check.Known("channel", interaction.Channel, Channels.IsKnown, Channels.All),
            Brand = check.Key("brand", interaction.Brand)!,
            ExternalEventId = check.Key("external_event_id", interaction.ExternalEventId)!,
            OccurredAt = check.Time("occurred_at", interaction.OccurredAt),
            // A session key means something only within a known channel; an unknown one is refused already.
            SessionKey = check.Key("session_key", interaction.SessionKey, required: Channels.IsKnown(interaction.Channel))!,
            Customer = Customer(check, interaction.Customer, brand),
            Message = interaction.Message is { } message ? Message(check, message) : null,
            Web = interaction.Web is { } web ? Web(check, web) : null,
            WhatsApp = interaction.WhatsApp is { } whatsApp ? WhatsApp(check, whatsApp) : null,
            Voice = interaction.Voice is { } voice ? Voice(check, voice) : null,
            Social = interaction.Social is { } social ? Social(check, social) : null,
        };

        if (check.Failed)
            return null;
        return check.Notes.Count == 0 ? enforced : WithNotes(enforced, check.Notes);
    }

    private static CustomerInfo Customer(Check check, CustomerInfo customer, BrandSettings brand)
    {
        var (phone, normalized) = check.Phone("customer.phone", customer.Phone, customer.PhoneNormalized, brand);
        return customer with
        {
            Name = check.Text("customer.name", customer.Name, Name),
            Email = check.Email("customer.email", customer.Email),
            Phone = phone,
            PhoneNormalized = normalized,
            Platform = customer.Platform is null ? null : check.Known("customer.platform", customer.Platform, Platforms.IsKnown, Platforms.All),
            PlatformUserId = check.Key("customer.platform_user_id", customer.PlatformUserId, required: false),
            Username = check.Text("customer.username", customer.Username, Name),
            BusinessScopedUserId = check.Key("customer.business_scoped_user_id", customer.BusinessScopedUserId, required: false),
        };
    }

    private static InteractionMessage Message(Check check, InteractionMessage message) => message with
    {
        Sender = check.Known("message.sender", message.Sender, Senders.IsKnown, Senders.All),
        Content = check.Text("message.content", message.Content, Body),
        Type = check.Text("message.type", message.Type, Label) is { Length: > 0 } type ? type : "text",
        Metadata = check.Json("message.metadata", message.Metadata),
    };

    private static WebDetail Web(Check check, WebDetail web) => web with
    {
        ExternalSessionId = check.Key("web.external_session_id", web.ExternalSessionId, required: false),
        ChatSessionId = check.Text("web.chat_session_id", web.ChatSessionId, Id),
        WebsiteUrl = check.Text("web.website_url", web.WebsiteUrl, Url),
        BookingStatus = check.Text("web.booking_status", web.BookingStatus, Label),
        GoogleEventId = check.Text("web.google_event_id", web.GoogleEventId, Id),
        ConversationSummary = check.Text("web.conversation_summary", web.ConversationSummary, Body),
        UserInputsSummary = check.Text("web.user_inputs_summary", web.UserInputsSummary, Body),
        SessionStatus = check.Text("web.session_status", web.SessionStatus, Label),
        ChannelData = check.Json("web.channel_data", web.ChannelData),
    };

    private static WhatsAppDetail WhatsApp(Check check, WhatsAppDetail whatsApp) => whatsApp with
    {
        BusinessAccountId = check.Text("whatsapp.business_account_id", whatsApp.BusinessAccountId, Id),
        PhoneNumberId = check.Text("whatsapp.phone_number_id", whatsApp.PhoneNumberId, Id),
        ContactId = check.Key("whatsapp.contact_id", whatsApp.ContactId, required: false),
        ConversationSummary = check.Text("whatsapp.conversation_summary", whatsApp.ConversationSummary, Body),
        ConversationContext = check.Json("whatsapp.conversation_context", whatsApp.ConversationContext),
        UserInputsSummary = check.Text("whatsapp.user_inputs_summary", whatsApp.UserInputsSummary, Body),
        ConversationStatus = check.Text("whatsapp.conversation_status", whatsApp.ConversationStatus, Label),
        OverallSentiment = check.Text("whatsapp.overall_sentiment", whatsApp.OverallSentiment, Label),
        DeliveryStatus = whatsApp.DeliveryStatus is { } status
            ? status with
            {
                MessageId = check.Key("whatsapp.delivery_status.message_id", status.MessageId)!,
                Status = check.Key("whatsapp.delivery_status.status", status.Status)!,
                ErrorCode = check.Text("whatsapp.delivery_status.error_code", status.ErrorCode, Id),
                ErrorTitle = check.Text("whatsapp.delivery_status.error_title", status.ErrorTitle, Name),
            }
            : null,
        ChannelData = check.Json("whatsapp.channel_data", whatsApp.ChannelData),
    };

    private static VoiceDetail Voice(Check check, VoiceDetail voice) => voice with
    {
        CallSid = check.Key("voice.call_sid", voice.CallSid)!,
        PhoneNumber = check.Text("voice.phone_number", voice.PhoneNumber, Label),
        CallDirection = check.Text("voice.call_direction", voice.CallDirection, Label),
        CallStatus = check.Text("voice.call_status", voice.CallStatus, Label),
        CallDurationSeconds = check.NotNegative("voice.call_duration_seconds", voice.CallDurationSeconds),
        SequenceNumber = check.NotNegative("voice.sequence_number", voice.SequenceNumber),
        RecordingUrl = check.Text("voice.recording_url", voice.RecordingUrl, Url),
        Transcription = check.Text("voice.transcription", voice.Transcription, Body),
        CallSummary = check.Text("voice.call_summary", voice.CallSummary, Body),
        Sentiment = check.Text("voice.sentiment", voice.Sentiment, Label),
        ConversationContext = check.Json("voice.conversation_context", voice.ConversationContext),
        UserInputsSummary = check.Text("voice.user_inputs_summary", voice.UserInputsSummary, Body),
        AudioQuality = check.Text("voice.audio_quality", voice.AudioQuality, Label),
        ChannelData = check.Json("voice.channel_data", voice.ChannelData),
    };

    private static SocialDetail Social(Check check, SocialDetail social) => social with
    {
        Platform = check.Known("social.platform", social.Platform, Platforms.IsSocial, Platforms.Social),
        PlatformUserId = check.Key("social.platform_user_id", social.PlatformUserId)!,
        PlatformUsername = check.Text("social.platform_username", social.PlatformUsername, Name),
        EngagementType = check.Text("social.engagement_type", social.EngagementType, Label),
        ContentId = check.Text("social.content_id", social.ContentId, Id),
        EngagementPreview = check.Text("social.engagement_preview", social.EngagementPreview, Body),
        ConversationSummary = check.Text("social.conversation_summary", social.ConversationSummary, Body),
        ConversationContext = check.Json("social.conversation_context", social.ConversationContext),
        UserInputsSummary = check.Text("social.user_inputs_summary", social.UserInputsSummary, Body),
        Sentiment = check.Text("social.sentiment", social.Sentiment, Label),
        EngagementQuality = check.Text("social.engagement_quality", social.EngagementQuality, Label),
        ChannelData = check.Json("social.channel_data", social.ChannelData),
    };

    /// <summary>The repairs go with the event, so whoever reads the message later sees what the provider really sent.</summary>
    private static ChannelInteractionReceived WithNotes(ChannelInteractionReceived interaction, List<string> notes)
    {
        if (interaction.Message is { } message)
            return interaction with { Message = message with { Metadata = AddNotes(message.Metadata, notes) } };
        return interaction switch
        {
            { Web: { } web } => interaction with { Web = web with { ChannelData = AddNotes(web.ChannelData, notes) } },
            { WhatsApp: { } whatsApp } => interaction with { WhatsApp = whatsApp with { ChannelData = AddNotes(whatsApp.ChannelData, notes) } },
            { Voice: { } voice } => interaction with { Voice = voice with { ChannelData = AddNotes(voice.ChannelData, notes) } },
            { Social: { } social } => interaction with { Social = social with { ChannelData = AddNotes(social.ChannelData, notes) } },
            _ => interaction,
        };
    }

    private static JsonElement AddNotes(JsonElement? json, List<string> notes)
    {
        var node = json is { ValueKind: JsonValueKind.Object } obj
            ? JsonObject.Create(obj)!
            : json is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } other
                ? new JsonObject { ["value"] = JsonNode.Parse(other.GetRawText()) }
                : new JsonObject();
        node[NotesKey] = new JsonArray([.. notes.Select(n => (JsonNode)JsonValue.Create(n))]);
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>One interaction's checks: each returns the value to publish and records a problem (Refuse) or a repair (Repair).</summary>
    private sealed class Check(ContractMode mode, Errors errors, string prefix, DateTimeOffset receivedAt)
    {
        private readonly int _errorsBefore = errors.Count;

        public List<string> Notes { get; } = [];

        public bool Failed => errors.Count > _errorsBefore;

        /// <summary>Keys identify the event, its session or the customer: never repaired, since a changed key is another record.</summary>
        public string? Key(string field, string? value, bool required = true)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                    Refuse(field, "Required.");
                return required ? value : null;
            }
            if (Domain.Text.Unstorable(value) is { } reason)
                Refuse(field, $"Must be valid text: it {reason}.");
            else if (Domain.Text.HasControlCharacters(value))
                Refuse(field, "Must not contain control characters (line breaks, tabs, ...).");
            else if (value.Length > InteractionContract.Key.MaxChars || Domain.Text.Utf8Length(value) > InteractionContract.Key.MaxBytes)
                Refuse(field, $"Must be at most {InteractionContract.Key.MaxChars} characters and {InteractionContract.Key.MaxBytes} UTF-8 bytes.");
            return value;
        }

        public string Known(string field, string? value, Func<string?, bool> isKnown, IEnumerable<string> known)
        {
            if (!isKnown(value))
                Refuse(field, $"Must be one of: {string.Join(", ", known)}.");
            return value!;
        }

        public string? Text(string field, string? value, TextRule rule)
        {
            if (value is null)
                return null;

            var repaired = value;
            if (Domain.Text.Unstorable(value) is { } reason)
            {
                if (!Repairable(field, $"Must be valid text: it {reason}."))
                    return value;
                repaired = Domain.Text.MakeStorable(value);
                Notes.Add($"{field}: {reason}; removed or replaced by U+FFFD.");
            }

            if (repaired.Length > rule.MaxChars || Domain.Text.Utf8Length(repaired) > rule.MaxBytes)
            {
                if (!Repairable(field, $"Must be at most {rule.MaxChars} characters and {rule.MaxBytes} UTF-8 bytes."))
                    return value;
                repaired = Domain.Text.TruncateUtf8(Domain.Text.Truncate(repaired, rule.MaxChars), rule.MaxBytes)!;
                Notes.Add($"{field}: {value.Length} characters, truncated to {repaired.Length}.");
            }
            return repaired;
        }

        /// <summary>An address and nothing else: "Bob &lt;bob@example.com&gt;" carries a display name and is refused.</summary>
        public string? Email(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
                return null;

            var email = value.Trim();
            if (email.Length <= InteractionContract.Email.MaxChars && Domain.Text.Unstorable(email) is null
                && MailAddress.TryCreate(email, out var address) && address.Address == email && address.DisplayName.Length == 0)
            {
                return email;
            }
            return Drop(field, "Not an email address (an address only, such as name@example.com, at most 254 characters).");
        }

        /// <summary>
        /// A phone identifies the customer only as a valid number (digits, country code first); placeholders and the brand's
        /// house numbers never do. A label without any digit (Twilio's "anonymous") may stay beside it, as it cannot be
        /// mistaken for a number; anything else that fails is refused or dropped, so no raw digits ever reach a worker.
        /// </summary>
        public (string? Phone, string? Normalized) Phone(string field, string? value, string? normalizedByMapper, BrandSettings brand)
        {
            if (string.IsNullOrWhiteSpace(value) && string.IsNullOrWhiteSpace(normalizedByMapper))
                return (null, null);

            if (mode == ContractMode.Repair && normalizedByMapper is null && value is not null && !value.Any(char.IsAsciiDigit))
                return (Text(field, value, Label), null);

            // A mapper whose provider verified the number (WhatsApp's wa_id) normalizes it; every other phone is read here.
            var identity = normalizedByMapper is null ? Phones.Identify(value, brand.DefaultRegion, brand.NormalizedHouseNumbers)
                : Phones.IdentifyNormalized(normalizedByMapper, brand.NormalizedHouseNumbers);

            if (identity.Normalized is { } normalized)
                return (Text(field, value, Label) ?? normalized, normalized);

            Drop(field, identity.Reason(brand.DefaultRegion));
            return (null, null);
        }

        public JsonElement? Json(string field, JsonElement? value)
        {
            if (value is not { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } json)
                return null;

            if (JsonFields.FindUnstorable(json) is { } bad)
                return DropJson(field, $"Must be storable JSON: the value at {bad.Path} {bad.Reason}.");
            if (Domain.Text.Utf8Length(json.GetRawText()) > MaxJsonBytes)
                return DropJson(field, $"Must be at most {MaxJsonBytes} bytes of JSON.");
            return json;
        }

        public DateTimeOffset Time(string field, DateTimeOffset value)
        {
            if (value >= Earliest && value <= receivedAt + MaxClockAhead)
                return value;

            var problem = value < Earliest
                ? $"Must not be before {Earliest:yyyy-MM-dd}."
                : $"Must not be more than {MaxClockAhead.TotalMinutes:0} minutes in the future.";
            if (!Repairable(field, problem))
                return value;
            Notes.Add($"{field}: {value:O} is outside the accepted window; the receive time is used.");
            return receivedAt;
        }

        public int? NotNegative(string field, int? value)
        {
            if (value is not < 0)
                return value;
            return Repairable(field, "Must not be negative.") ? Note<int?>(null, $"{field}: negative, dropped.") : value;
        }

        private T Note<T>(T value, string note)
        {
            Notes.Add(note);
            return value;
        }

        private string? Drop(string field, string problem) =>
            Repairable(field, problem) ? Note<string?>(null, $"{field}: dropped. {problem}") : null;

        private JsonElement? DropJson(string field, string problem) =>
            Repairable(field, problem) ? Note<JsonElement?>(null, $"{field}: dropped. {problem}") : null;

        /// <returns>True when the caller should repair; false when the problem was recorded as a refusal.</returns>
        private bool Repairable(string field, string problem)
        {
            if (mode == ContractMode.Repair)
                return true;
            Refuse(field, problem);
            return false;
        }

        private void Refuse(string field, string problem) => errors.Add(prefix + field, problem);
    }
}

/// <summary>A text field's bound, in UTF-16 characters and in UTF-8 bytes (what PostgreSQL counts).</summary>
public sealed record TextRule(int MaxChars, int MaxBytes);
