using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Proxe.Bench.Workload;
using Proxe.Contracts;
using Proxe.Gateway.Interactions;

namespace Proxe.Bench.Load;

/// <summary>The accounts and secrets of the brand's provider integrations (./run.sh configures them for the demo brand).</summary>
public sealed record ProviderAccounts(string Brand, string? WebWidgetSecret, string? WhatsAppAppSecret, string? MetaAppSecret, string? TwilioAuthToken)
{
    public const string WhatsAppPhoneNumberId = "106540352242922";
    public const string WhatsAppBusinessAccountId = "102290129340398";
    public const string MetaPageId = "111899832631525";
    public const string InstagramAccountId = "17841400538867190";
    public const string TwilioNumber = "+918047001234";

    public IEnumerable<string> Missing()
    {
        if (string.IsNullOrEmpty(WebWidgetSecret)) yield return "--web-secret / PROXE_DEMO_WEB_SECRET";
        if (string.IsNullOrEmpty(WhatsAppAppSecret)) yield return "--whatsapp-secret / PROXE_DEMO_WHATSAPP_APP_SECRET";
        if (string.IsNullOrEmpty(MetaAppSecret)) yield return "--meta-secret / PROXE_DEMO_META_APP_SECRET";
        if (string.IsNullOrEmpty(TwilioAuthToken)) yield return "--twilio-token / PROXE_DEMO_TWILIO_AUTH_TOKEN";
    }
}

/// <summary>
/// One generated interaction as its provider would deliver it: a signed WhatsApp Cloud API webhook, a Meta
/// Instagram or Messenger webhook (X-Hub-Signature-256), a Twilio Voice form callback (X-Twilio-Signature over the URL
/// and the sorted parameters), or a web widget post (X-Proxe-Timestamp + X-Proxe-Signature). Written from the
/// providers' documentation (src/Proxe.Gateway/Providers/README.md, the samples), not with the gateway's own code.
/// Webhooks carry only what providers send: WhatsApp and Meta deliver the customer's messages (agent replies go out
/// through the provider's API, not in), so those are sent as customer messages; an Instagram or Messenger user is
/// known by a platform id, not a phone, so such a lead is a separate lead from the same person's phone channels.
/// Every post carries one event and yields one messages row, whose external_id is <see cref="Post.StoredIds"/>.
/// </summary>
public static class ProviderWebhooks
{
    public static Post ToPost(GeneratedInteraction item, BenchRun run, ProviderAccounts accounts, Uri gateway)
    {
        var request = item.Request;
        var at = request.OccurredAt ?? DateTimeOffset.UtcNow;
        return request.Channel switch
        {
            Channels.Web => Web(request, accounts),
            Channels.WhatsApp => WhatsApp(request, run, item.Lead, accounts, at),
            Channels.Voice => Voice(request, run, item.Lead, accounts, gateway, at),
            _ => Meta(request, run, item.Lead, accounts, at),
        };
    }

    /// <summary>The social leads this workload splits off: one per lead that uses the social channel.</summary>
    public static int ExpectedLeads(Workload.Workload workload)
    {
        var byLead = workload.Items.GroupBy(item => item.Lead).ToList();
        return byLead.Count(g => g.Any(i => i.Request.Channel != Channels.Social)) + byLead.Count(g => g.Any(i => i.Request.Channel == Channels.Social));
    }

    static Post Web(InteractionRequest request, ProviderAccounts accounts)
    {
        var web = request.Web!;
        var customer = request.Customer!;
        var body = Utf8(new JsonObject
        {
            ["brand"] = accounts.Brand,
            ["visitor"] = new JsonObject { ["id"] = web.ExternalSessionId, ["name"] = customer.Name, ["email"] = customer.Email, ["phone"] = customer.Phone },
            ["external_session_id"] = web.ExternalSessionId,
            ["website_url"] = web.WebsiteUrl,
            ["booking"] = web.BookingStatus is null ? null : new JsonObject
            {
                ["status"] = web.BookingStatus,
                ["date"] = web.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["time"] = web.BookingTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
            },
            ["conversation_summary"] = web.ConversationSummary,
            ["messages"] = new JsonArray(new JsonObject
            {
                ["id"] = request.ExternalEventId,
                ["sender"] = request.Message!.Sender,
                ["content"] = request.Message.Content,
                ["type"] = "text",
                ["sent_at"] = request.OccurredAt?.ToString("O", CultureInfo.InvariantCulture),
            }),
        });
        var secret = Encoding.UTF8.GetBytes(accounts.WebWidgetSecret!);
        // The widget signs at send time: the gateway refuses timestamps more than 5 minutes from its clock.
        return new Post("/webhooks/web", Json(body), [request.ExternalEventId!], message =>
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            message.Headers.Add("X-Proxe-Timestamp", timestamp);
            message.Headers.Add("X-Proxe-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. body])));
        });
    }

    static Post WhatsApp(InteractionRequest request, BenchRun run, int lead, ProviderAccounts accounts, DateTimeOffset at)
    {
        var waId = run.NormalizedPhone(lead);
        var body = Utf8(new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = ProviderAccounts.WhatsAppBusinessAccountId,
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "918047001235", ["phone_number_id"] = ProviderAccounts.WhatsAppPhoneNumberId },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = request.Customer!.Name }, ["wa_id"] = waId }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["from"] = waId,
                            ["id"] = request.ExternalEventId,
                            ["timestamp"] = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                            ["text"] = new JsonObject { ["body"] = request.Message!.Content },
                            ["type"] = "text",
                        }),
                    },
                    ["field"] = "messages",
                }),
            }),
        });
        return HubSigned("/webhooks/whatsapp", body, accounts.WhatsAppAppSecret!, request.ExternalEventId!);
    }

    /// <summary>Odd leads talk on Instagram, even ones on Messenger.</summary>
    static Post Meta(InteractionRequest request, BenchRun run, int lead, ProviderAccounts accounts, DateTimeOffset at)
    {
        var instagram = lead % 2 == 1;
        var account = instagram ? ProviderAccounts.InstagramAccountId : ProviderAccounts.MetaPageId;
        var userId = $"{(instagram ? "17841" : "26")}{run.PhoneTag:D4}{lead:D5}";
        var ms = at.ToUnixTimeMilliseconds();
        var body = Utf8(new JsonObject
        {
            ["object"] = instagram ? "instagram" : "page",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["time"] = ms,
                ["id"] = account,
                ["messaging"] = new JsonArray(new JsonObject
                {
                    ["sender"] = new JsonObject { ["id"] = userId },
                    ["recipient"] = new JsonObject { ["id"] = account },
                    ["timestamp"] = ms,
                    ["message"] = new JsonObject { ["mid"] = request.ExternalEventId, ["text"] = request.Message!.Content },
                }),
            }),
        });
        return HubSigned("/webhooks/meta", body, accounts.MetaAppSecret!, request.ExternalEventId!);
    }

    /// <summary>
    /// A call's three events: the incoming-call webhook (ringing), a transcription callback (the caller's words), the
    /// completed status callback; each records one message ("call started", the transcript, "call ended").
    /// </summary>
    static Post Voice(InteractionRequest request, BenchRun run, int lead, ProviderAccounts accounts, Uri gateway, DateTimeOffset at)
    {
        var voice = request.Voice!;
        var call = int.Parse(voice.CallSid![^4..], CultureInfo.InvariantCulture);
        var callSid = run.CallSid(lead, call);
        var form = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "AC" + callSid[2..]),
            new("CallSid", callSid),
            new("From", "+" + run.NormalizedPhone(lead)),
            new("To", ProviderAccounts.TwilioNumber),
            new("Direction", "inbound"),
            new("ApiVersion", "2010-04-01"),
            new("Timestamp", at.ToString("R", CultureInfo.InvariantCulture)),
        };
        string path, storedId;
        switch (voice.CallStatus)
        {
            case "ringing":
                path = "/webhooks/twilio/voice";
                form.Add(new("CallStatus", "ringing"));
                storedId = $"{callSid}:incoming";
                break;
            case "in-progress":
                path = "/webhooks/twilio/voice/status";
                var transcriptionSid = "TR" + callSid[2..];
                form.Add(new("CallStatus", "in-progress"));
                form.Add(new("TranscriptionSid", transcriptionSid));
                form.Add(new("TranscriptionStatus", "completed"));
                form.Add(new("TranscriptionText", request.Message!.Content!));
                form.Add(new("RecordingSid", "RE" + callSid[2..]));
                storedId = $"{callSid}:transcription:{transcriptionSid}";
                break;
            default:
                path = "/webhooks/twilio/voice/status";
                form.Add(new("CallStatus", "completed"));
                form.Add(new("CallDuration", (voice.CallDurationSeconds ?? 60).ToString(CultureInfo.InvariantCulture)));
                form.Add(new("SequenceNumber", "2"));
                storedId = $"{callSid}:status:2";
                break;
        }

        var body = Encoding.ASCII.GetBytes(string.Join("&", form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
        var signature = TwilioSignature(new Uri(gateway, path).ToString(), form, accounts.TwilioAuthToken!);
        return new Post(path, Content(body, "application/x-www-form-urlencoded"), [storedId], message => message.Headers.Add("X-Twilio-Signature", signature));
    }

    static Post HubSigned(string path, byte[] body, string appSecret, string storedId)
    {
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
        return new Post(path, Json(body), [storedId], message => message.Headers.Add("X-Hub-Signature-256", signature));
    }

    /// <summary>Twilio: base64(HMAC-SHA1(auth token, url + name+value of each parameter, sorted by name)).</summary>
    static string TwilioSignature(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    static PostBody Json(byte[] body) => Content(body, "application/json");

    static PostBody Content(byte[] body, string mediaType) => new(body, new MediaTypeHeaderValue(mediaType));
}
