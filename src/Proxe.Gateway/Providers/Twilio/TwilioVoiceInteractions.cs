using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Primitives;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Domain;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Providers.Twilio;

/// <summary>
/// Maps Twilio Voice webhooks (form fields) to voice interactions keyed by CallSid. Each callback gets its own
/// external event id, so retries collapse and distinct callbacks of one call never do.
/// </summary>
public static class TwilioVoiceInteractions
{
    public const string DefaultTwiml =
        """<?xml version="1.0" encoding="UTF-8"?><Response><Say>Thank you for calling. We will get back to you shortly.</Say></Response>""";

    private static readonly HashSet<string> EndStatuses = ["completed", "busy", "failed", "no-answer", "canceled"];

    /// <summary>
    /// What Twilio puts in From when the caller hides the number: a word, or the word spelled on a keypad
    /// (+266696687 is ANONYMOUS). Read as a phone, every hidden caller of a brand would become one lead.
    /// </summary>
    private static readonly Dictionary<string, string> WithheldCallerIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["266696687"] = "anonymous",
        ["7378742833"] = "restricted",
        ["8656696"] = "unknown",
        ["86282452253"] = "unavailable",
        ["2562533"] = "blocked",
        ["anonymous"] = "anonymous",
        ["restricted"] = "restricted",
        ["unknown"] = "unknown",
        ["unavailable"] = "unavailable",
        ["blocked"] = "blocked",
        ["private"] = "private",
    };

    /// <summary>
    /// The brand owning the call: by its number (To for inbound calls, From for outbound ones), else by the
    /// <c>brand</c> query parameter of the signed callback URL, needed for recording callbacks that carry no numbers.
    /// </summary>
    public static bool TryRoute(IReadOnlyDictionary<string, StringValues> form, string? brandParameter, BrandCatalog brands,
        [MaybeNullWhen(false)] out string brand, [MaybeNullWhen(false)] out BrandSettings settings)
    {
        var (brandNumber, _) = Numbers(form);
        if (brandNumber is not null && brands.TryGetByTwilioNumber(brandNumber, out brand, out settings))
            return true;

        if (brandParameter is not null && brands.TryGet(brandParameter, out settings))
        {
            brand = brandParameter;
            return true;
        }

        brand = null;
        settings = null;
        return false;
    }

    public static (string? BrandNumber, string? CustomerNumber) Numbers(IReadOnlyDictionary<string, StringValues> form) =>
        Field(form, "Direction") is { } direction && direction.StartsWith("outbound", StringComparison.Ordinal)
            ? (Field(form, "From"), Field(form, "To"))
            : (Field(form, "To"), Field(form, "From"));

    public static ChannelInteractionReceived? Incoming(
        IReadOnlyDictionary<string, StringValues> form, string brand, BrandSettings settings, DateTimeOffset receivedAt, out string? error)
    {
        if (!TryCallSid(form, out var callSid, out error))
            return null;

        return Interaction(form, $"{callSid}:incoming", brand, settings, receivedAt) with
        {
            Message = new InteractionMessage { Sender = Senders.System, Content = "call started", Type = "call_started" },
        };
    }

    /// <summary>Status, recording and transcription callbacks, told apart by the fields Twilio adds to each.</summary>
    public static ChannelInteractionReceived? Callback(
        IReadOnlyDictionary<string, StringValues> form, string brand, BrandSettings settings, DateTimeOffset receivedAt, out string? error)
    {
        if (!TryCallSid(form, out var callSid, out error))
            return null;

        if (Field(form, "TranscriptionSid") is { } transcriptionSid)
            return Transcription(form, $"{callSid}:transcription:{transcriptionSid}", brand, settings, receivedAt);

        if (Field(form, "RecordingSid") is { } recordingSid && Field(form, "RecordingStatus") is { } recordingStatus)
            return Interaction(form, $"{callSid}:recording:{recordingSid}:{recordingStatus}", brand, settings, receivedAt);

        if (Field(form, "CallStatus") is not { } callStatus)
        {
            error = "CallStatus, RecordingStatus or TranscriptionSid is required.";
            return null;
        }

        var eventId = Field(form, "SequenceNumber") is { } sequence ? $"{callSid}:status:{sequence}" : $"{callSid}:status:{callStatus}";
        return Interaction(form, eventId, brand, settings, receivedAt) with { Message = StatusMessage(form, callSid, callStatus) };
    }

    private static ChannelInteractionReceived Transcription(
        IReadOnlyDictionary<string, StringValues> form, string eventId, string brand, BrandSettings settings, DateTimeOffset receivedAt)
    {
        var text = Field(form, "TranscriptionStatus") is null or "completed" ? Field(form, "TranscriptionText") : null;
        var interaction = Interaction(form, eventId, brand, settings, receivedAt);
        return interaction with
        {
            Voice = interaction.Voice! with { Transcription = text },
            Message = text is null ? null : new InteractionMessage
            {
                Sender = Senders.Customer,
                Content = text,
                Type = "transcription",
                Metadata = ProviderJson.Object(
                    ("transcription_sid", Field(form, "TranscriptionSid")),
                    ("recording_sid", Field(form, "RecordingSid")),
                    ("recording_url", Field(form, "RecordingUrl"))),
            },
        };
    }

    /// <summary>Only answers and ends make a message in the timeline; ringing and the like only move the session's status.</summary>
    private static InteractionMessage? StatusMessage(IReadOnlyDictionary<string, StringValues> form, string callSid, string callStatus)
    {
        var duration = Int(form, "CallDuration");
        if (IsDialLeg(form))
        {
            return callStatus == "in-progress" || EndStatuses.Contains(callStatus)
                ? SystemMessage(callStatus == "in-progress" ? "dialed party answered" : $"dialed party: {callStatus}", "dial_status",
                    ("dial_call_sid", callSid), ("call_status", callStatus), ("call_duration_seconds", duration))
                : null;
        }

        return EndStatuses.Contains(callStatus)
            ? SystemMessage(callStatus == "completed" ? "call ended" : $"call ended: {callStatus}", "call_ended",
                ("call_status", callStatus), ("call_duration_seconds", duration))
            : null;
    }

    private static InteractionMessage SystemMessage(string content, string type, params ReadOnlySpan<(string Key, object? Value)> metadata) =>
        new() { Sender = Senders.System, Content = content, Type = type, Metadata = ProviderJson.Object(metadata) };

    /// <summary>
    /// A leg a &lt;Dial&gt; opened from the customer's call (to an agent, a forward number): it belongs to the parent
    /// call's session, its To is not the customer, and its progress is not the customer call's progress.
    /// </summary>
    private static bool IsDialLeg(IReadOnlyDictionary<string, StringValues> form) =>
        Field(form, "Direction") == "outbound-dial" && Field(form, "ParentCallSid") is not null;

    private static ChannelInteractionReceived Interaction(
        IReadOnlyDictionary<string, StringValues> form, string externalEventId, string brand, BrandSettings settings, DateTimeOffset receivedAt)
    {
        var interaction = CallInteraction(form, externalEventId, brand, settings, receivedAt);
        if (!IsDialLeg(form))
            return interaction;

        // The parent session already has the customer; the lead is found by the parent's CallSid.
        var parentCallSid = Field(form, "ParentCallSid")!;
        return interaction with
        {
            Customer = new CustomerInfo(),
            SessionKey = parentCallSid,
            Voice = interaction.Voice! with
            {
                CallSid = parentCallSid,
                PhoneNumber = null,
                CallDirection = null,
                CallStatus = null,
                CallDurationSeconds = null,
                SequenceNumber = null,
                ChannelData = ProviderJson.Object(
                    ("dial_call_sid", Field(form, "CallSid")),
                    ("dial_call_status", Field(form, "CallStatus")),
                    ("dial_call_duration_seconds", Int(form, "CallDuration")),
                    ("dialed_number", Field(form, "To")),
                    ("answered_by", Field(form, "AnsweredBy")),
                    ("recording_sid", Field(form, "RecordingSid")),
                    ("recording_status", Field(form, "RecordingStatus"))),
            },
        };
    }

    private static ChannelInteractionReceived CallInteraction(
        IReadOnlyDictionary<string, StringValues> form, string externalEventId, string brand, BrandSettings settings, DateTimeOffset receivedAt)
    {
        var (brandNumber, customerNumber) = Numbers(form);
        var withheld = customerNumber is not null && WithheldCallerIds.TryGetValue(customerNumber.Trim().TrimStart('+'), out var word) ? word : null;
        var callSid = Field(form, "CallSid")!;
        var recordingStatus = Field(form, "RecordingStatus");
        return new ChannelInteractionReceived
        {
            InteractionId = InteractionIds.For(brand, Channels.Voice, externalEventId),
            Channel = Channels.Voice,
            Brand = brand,
            ExternalEventId = externalEventId,
            OccurredAt = Timestamp(Field(form, "Timestamp")) ?? receivedAt,
            ReceivedAt = receivedAt,
            Customer = new CustomerInfo
            {
                Name = Field(form, "CallerName"),
                Phone = withheld ?? customerNumber,
                PhoneNormalized = withheld is null ? Phones.Normalize(customerNumber, settings.DefaultRegion) : null,
            },
            SessionKey = callSid,
            Voice = new VoiceDetail
            {
                CallSid = callSid,
                PhoneNumber = brandNumber,
                CallDirection = Field(form, "Direction"),
                CallStatus = Field(form, "CallStatus"),
                CallDurationSeconds = Int(form, "CallDuration"),
                SequenceNumber = Int(form, "SequenceNumber"),
                // A recording is usable only once completed; earlier callbacks announce it without a playable url.
                RecordingUrl = recordingStatus is null or "completed" ? Field(form, "RecordingUrl") : null,
                ChannelData = ProviderJson.Object(
                    ("account_sid", Field(form, "AccountSid")),
                    ("parent_call_sid", Field(form, "ParentCallSid")),
                    ("callback_source", Field(form, "CallbackSource")),
                    ("answered_by", Field(form, "AnsweredBy")),
                    ("caller_country", Field(form, "FromCountry")),
                    ("caller_state", Field(form, "FromState")),
                    ("caller_city", Field(form, "FromCity")),
                    ("forwarded_from", Field(form, "ForwardedFrom")),
                    ("recording_sid", Field(form, "RecordingSid")),
                    ("recording_status", recordingStatus),
                    ("recording_duration_seconds", Int(form, "RecordingDuration")),
                    ("recording_channels", Int(form, "RecordingChannels")),
                    ("recording_source", Field(form, "RecordingSource")),
                    ("recording_start_time", Field(form, "RecordingStartTime")),
                    ("error_code", Field(form, "ErrorCode")),
                    ("transcription_sid", Field(form, "TranscriptionSid")),
                    ("transcription_status", Field(form, "TranscriptionStatus")),
                    ("transcription_url", Field(form, "TranscriptionUrl"))),
            },
        };
    }

    private static bool TryCallSid(IReadOnlyDictionary<string, StringValues> form, [MaybeNullWhen(false)] out string callSid, out string? error)
    {
        callSid = Field(form, "CallSid");
        error = callSid is null ? "CallSid is required." : null;
        return callSid is not null;
    }

    /// <summary>Twilio sends empty fields (CallerZip=) for unknown values; those count as absent.</summary>
    private static string? Field(IReadOnlyDictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values[0] : null;

    private static int? Int(IReadOnlyDictionary<string, StringValues> form, string name) =>
        int.TryParse(Field(form, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Twilio's Timestamp is RFC 1123 with a numeric offset: "Fri, 02 Nov 2018 10:52:29 +0000".</summary>
    internal static DateTimeOffset? Timestamp(string? value) =>
        DateTimeOffset.TryParseExact(value, ["ddd, dd MMM yyyy HH:mm:ss zzz", "ddd, dd MMM yyyy HH:mm:ss 'GMT'", "r"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
}
