using System.Security.Cryptography;
using System.Text;
using Proxe.Contracts;

namespace Proxe.Workers.Tests;

/// <summary>Interactions shaped like the gateway publishes them.</summary>
public static class Make
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static string Brand(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    public static ChannelInteractionReceived Interaction(string brand, string channel, string externalId, DateTimeOffset at,
        CustomerInfo customer, string sessionKey, InteractionMessage? message) => new()
    {
        InteractionId = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{brand}\n{channel}\n{externalId}"))),
        Channel = channel,
        Brand = brand,
        ExternalEventId = externalId,
        OccurredAt = at,
        ReceivedAt = at.AddSeconds(1),
        Customer = customer,
        SessionKey = sessionKey,
        Message = message,
    };

    public static InteractionMessage Text(string content, string sender = Senders.Customer) => new() { Sender = sender, Content = content };

    public static CustomerInfo Person(string? phone = null, string? name = null, string? email = null) => new()
    {
        Name = name,
        Email = email,
        Phone = phone,
        PhoneNormalized = phone is null ? null : new string(phone.Where(char.IsAsciiDigit).ToArray()),
    };

    public static ChannelInteractionReceived Web(string brand, string sessionId, string externalId, DateTimeOffset at, CustomerInfo customer,
        InteractionMessage? message, WebDetail? web = null) =>
        Interaction(brand, Channels.Web, externalId, at, customer, sessionId, message) with { Web = web ?? new WebDetail { ExternalSessionId = sessionId } };

    public static ChannelInteractionReceived WhatsApp(string brand, string waId, string externalId, DateTimeOffset at, InteractionMessage? message,
        string? name = null, WhatsAppDeliveryStatus? status = null) =>
        Interaction(brand, Channels.WhatsApp, externalId, at,
                new CustomerInfo { Name = name, Phone = "+" + waId, PhoneNormalized = waId, Platform = Platforms.WhatsApp, PlatformUserId = waId },
                waId, message)
            with { WhatsApp = new WhatsAppDetail { ContactId = waId, BusinessAccountId = "waba-1", PhoneNumberId = "pn-1", DeliveryStatus = status } };

    public static ChannelInteractionReceived Voice(string brand, string callSid, string externalId, DateTimeOffset at, string caller,
        InteractionMessage? message = null, string? status = null, int? sequence = null, int? duration = null,
        string? recordingUrl = null, string? transcription = null) =>
        Interaction(brand, Channels.Voice, externalId, at, Person(caller), callSid, message) with
        {
            Voice = new VoiceDetail
            {
                CallSid = callSid, PhoneNumber = "+13163336936", CallDirection = "inbound", CallStatus = status, SequenceNumber = sequence,
                CallDurationSeconds = duration, RecordingUrl = recordingUrl, Transcription = transcription,
            },
        };

    public static ChannelInteractionReceived Social(string brand, string platform, string userId, string externalId, DateTimeOffset at,
        CustomerInfo customer, InteractionMessage? message, string engagementType = "dm", string? contentId = null) =>
        Interaction(brand, Channels.Social, externalId, at, customer with { Platform = platform, PlatformUserId = userId }, userId, message) with
        {
            Social = new SocialDetail
            {
                Platform = platform, PlatformUserId = userId, PlatformUsername = "@" + userId, EngagementType = engagementType, ContentId = contentId,
            },
        };
}
