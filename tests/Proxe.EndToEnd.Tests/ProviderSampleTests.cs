using Proxe.Database.Entities;
using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Proxe.Contracts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Every provider sample (tests/Proxe.Gateway.Tests/Providers/Samples, byte-exact copies of shared/provider-samples)
/// through its real webhook, correctly signed, down to the rows it must produce. The samples' accounts belong to acme,
/// but for the delivery receipt's, which belongs to globex.
/// </summary>
public sealed partial class ProviderSampleTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    const string CallSid = "CAd7fe2ad60939a04e564c0e4e3302ff5b";
    readonly TestBrand _acme = host.Brand(TestBrand.Samples);

    /// <summary>The files of the samples folder and the test that sends each; a new sample fails this until it gets one.</summary>
    [Fact]
    public void Every_sample_file_is_sent_by_a_test_here()
    {
        string[] covered =
        [
            "whatsapp_text_message.json", "whatsapp_text_message_signed_raw.json", "meta_signature_vector.txt", "whatsapp_image_message.json",
            "whatsapp_status_delivered.json", "twilio_voice_incoming.form", "twilio_voice_status_completed.form", "instagram_dm.json",
            "webchat_chatwoot_message_created.json", "twilio_signature_vector.txt",
        ];
        var files = Directory.GetFiles(Samples.Folder).Select(Path.GetFileName).Where(name => name is not ("README.md" or ".editorconfig"));
        Assert.Equal(covered.Order(), files.Order());
    }

    [Fact]
    public async Task WhatsApp_text_lands_as_a_session_a_message_and_a_lead_first_seen_on_WhatsApp()
    {
        var response = await host.PostWhatsAppAsync(Samples.Bytes("whatsapp_text_message.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.WaitForJourneyAsync(WhatsAppId("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="));
        var lead = await LeadByPhoneAsync("16505551234");
        Assert.Equal(("whatsapp", "whatsapp", "Sheena Nelson"), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.Name));
        var session = Assert.Single(await host.ReadAsync(db => db.WhatsappSessions.Where(s => s.LeadId == lead.Id).ToListAsync()));
        Assert.Equal(("16505551234", "102290129340398", "16505551234", 1, "Does it come in another color?"),
            (session.WhatsappContactId, session.WhatsappBusinessAccountId, session.CustomerPhoneNormalized, session.MessageCount, session.LastMessagePreview));
        var message = Assert.Single(await MessagesAsync(lead.Id));
        Assert.Equal(("whatsapp", "customer", "text", "Does it come in another color?", DateTimeOffset.FromUnixTimeSeconds(1749416383).UtcDateTime),
            (message.Channel, message.Sender, message.MessageType, message.Content, message.OccurredAt));
    }

    [Fact]
    public async Task The_Meta_signed_capture_is_accepted_with_its_original_signature_and_refused_with_one_byte_changed()
    {
        var body = Samples.Bytes("whatsapp_text_message_signed_raw.json");
        var signature = VectorASignature().Match(Samples.Text("meta_signature_vector.txt")).Groups[1].Value;

        var tampered = (byte[])body.Clone();
        tampered[Array.IndexOf(tampered, (byte)'H')] = (byte)'J'; // "Hey there!" → "Jey there!"
        var refused = await host.PostWhatsAppAsync(tampered, signature);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var accepted = await host.PostWhatsAppAsync(body, signature);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await host.WaitForJourneyAsync(WhatsAppId("wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA"));
        var lead = await LeadByPhoneAsync("972544401243");
        Assert.Equal(("whatsapp", "PyWa Tests"), (lead.FirstTouchpoint, lead.Name));
        Assert.Equal(["Hey there! I am using PyWa."], (await MessagesAsync(lead.Id)).Select(m => m.Content));
    }

    [Fact]
    public async Task WhatsApp_image_lands_as_an_image_message_with_its_media_metadata()
    {
        var response = await host.PostWhatsAppAsync(Samples.Bytes("whatsapp_image_message.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.WaitForJourneyAsync(WhatsAppId("wamid.xyzxyz"));
        var lead = await LeadByPhoneAsync("972987654321");
        Assert.Equal(("whatsapp", "Test Name"), (lead.FirstTouchpoint, lead.Name));
        var message = Assert.Single(await MessagesAsync(lead.Id));
        Assert.Equal(("image", "customer"), (message.MessageType, message.Sender));
        var metadata = message.Metadata;
        Assert.Equal(("65463453", "image/jpeg", "4654+8g="),
            (metadata.GetProperty("media_id").GetString(), metadata.GetProperty("mime_type").GetString(), metadata.GetProperty("sha256").GetString()));
        Assert.StartsWith("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453", metadata.GetProperty("url").GetString());
        // The business-scoped user id is an identity of the same lead, for the day the phone is hidden.
        Assert.Contains("whatsapp:US.13491208655302741918",
            await host.ReadAsync(db => db.LeadIdentities.Where(i => i.LeadId == lead.Id).Select(i => i.Kind + ":" + i.Value).ToListAsync()));
    }

    [Fact]
    public async Task WhatsApp_delivery_receipt_records_the_status_without_a_message()
    {
        var response = await host.PostWhatsAppAsync(Samples.Bytes("whatsapp_status_delivered.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var globex = host.Brand(TestBrand.ReceiptSamples);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(globex, Channels.WhatsApp, "status:ABGGFlA5Fpa:delivered"));
        var session = Assert.Single(await host.ReadAsync(db => db.WhatsappSessions
            .Where(s => s.Brand == globex.Name && s.WhatsappContactId == "16315551181").ToListAsync()));
        Assert.Equal(("delivered", DateTimeOffset.FromUnixTimeSeconds(1504902988).UtcDateTime, 0), (session.LastStatus, session.LastStatusAt, session.MessageCount));
        Assert.Empty(await MessagesAsync(session.LeadId));
    }

    [Fact]
    public async Task Twilio_incoming_call_and_completed_status_make_one_completed_voice_session()
    {
        var incoming = await host.PostTwilioAsync("/webhooks/twilio/voice", Samples.Text("twilio_voice_incoming.form"));
        Assert.Equal(HttpStatusCode.OK, incoming.StatusCode);
        Assert.Equal("text/xml", incoming.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestBrand.IncomingCallTwiml, await incoming.Content.ReadAsStringAsync());

        var completed = await host.PostTwilioAsync("/webhooks/twilio/voice/status", Samples.Text("twilio_voice_status_completed.form"));
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);

        await host.WaitForJourneyAsync(
            EndToEndHost.InteractionId(_acme, Channels.Voice, $"{CallSid}:incoming"), EndToEndHost.InteractionId(_acme, Channels.Voice, $"{CallSid}:status:0"));
        var call = Assert.Single(await host.ReadAsync(db => db.VoiceSessions.Where(s => s.CallSid == CallSid).ToListAsync()));
        Assert.Equal(("completed", 9, "inbound", "+13163336936", "256784224203"),
            (call.CallStatus, call.CallDurationSeconds, call.CallDirection, call.PhoneNumber, call.CustomerPhoneNormalized));
        var lead = await LeadByPhoneAsync("256784224203");
        Assert.Equal((call.LeadId, "voice"), (lead.Id, lead.FirstTouchpoint));
        // The incoming webhook carries no time of its own (it is stamped on receipt), so only the set is certain, not the order.
        Assert.Equal(["system/call_ended: call ended", "system/call_started: call started"],
            (await MessagesAsync(lead.Id)).Select(m => $"{m.Sender}/{m.MessageType}: {m.Content}").Order());
    }

    [Fact]
    public async Task Instagram_DM_lands_as_a_social_session_and_a_message()
    {
        var response = await host.PostMetaAsync(Samples.Bytes("instagram_dm.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mid = JsonDocument.Parse(Samples.Bytes("instagram_dm.json")).RootElement
            .GetProperty("entry")[0].GetProperty("messaging")[0].GetProperty("message").GetProperty("mid").GetString()!;
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_acme, Channels.Social, mid));
        var session = Assert.Single(await host.ReadAsync(db => db.SocialSessions
            .Where(s => s.Brand == _acme.Name && s.PlatformUserId == "1129842642640637").ToListAsync()));
        Assert.Equal(("instagram", "1129842642640637", "dm", 1), (session.Platform, session.PlatformUserId, session.EngagementType, session.EngagementCount));
        var message = Assert.Single(await MessagesAsync(session.LeadId));
        Assert.Equal(("social", "customer", "oi", DateTimeOffset.FromUnixTimeMilliseconds(1762031146380).UtcDateTime),
            (message.Channel, message.Sender, message.Content, message.OccurredAt));
        var lead = Assert.Single(await host.UnifiedLeadsAsync(_acme), l => l.Id == session.LeadId);
        Assert.Equal(("social", null), (lead.FirstTouchpoint, lead.Phone));
    }

    /// <summary>
    /// The Chatwoot sample is another product's widget, the model for ours: as is it is refused (it names no brand),
    /// and the same conversation in the PROXe widget's format lands as a web session.
    /// </summary>
    [Fact]
    public async Task Web_chat_sample_is_refused_in_Chatwoot_format_and_lands_in_the_PROXe_widget_format()
    {
        var chatwoot = Samples.Bytes("webchat_chatwoot_message_created.json");
        var refused = await host.PostWidgetAsync(chatwoot);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var sample = JsonDocument.Parse(chatwoot).RootElement;
        var conversation = sample.GetProperty("conversation");
        var sessionId = $"chatwoot-{conversation.GetProperty("id").GetInt32()}";
        var messageId = $"chatwoot-message-{sample.GetProperty("id").GetInt32()}";
        var widget = await host.PostWidgetAsync(Posts.Widget(_acme, sessionId,
            new { id = conversation.GetProperty("contact_inbox").GetProperty("source_id").GetString(), name = sample.GetProperty("sender").GetProperty("name").GetString() },
            [(messageId, Senders.Customer, sample.GetProperty("content").GetString()!, sample.GetProperty("created_at").GetDateTimeOffset())],
            websiteUrl: conversation.GetProperty("additional_attributes").GetProperty("referer").GetString()!));
        Assert.Equal(HttpStatusCode.Accepted, widget.StatusCode);

        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_acme, Channels.Web, messageId));
        var session = Assert.Single(await host.ReadAsync(db => db.WebSessions
            .Where(s => s.Brand == _acme.Name && s.ExternalSessionId == sessionId).ToListAsync()));
        Assert.Equal(("little-haze-776", "http://localhost:3000/widget_tests", 1), (session.CustomerName, session.WebsiteUrl, session.MessageCount));
        var message = Assert.Single(await MessagesAsync(session.LeadId));
        Assert.Equal(("web", "customer", "hi", new DateTime(2021, 7, 23, 18, 2, 48, DateTimeKind.Utc)), (message.Channel, message.Sender, message.Content, message.OccurredAt));
    }

    /// <summary>The test's own signers reproduce the providers' published vectors, so a refused request above is never the test's fault.</summary>
    [Fact]
    public void The_test_signers_reproduce_the_sample_signature_vectors()
    {
        Assert.Equal(VectorASignature().Match(Samples.Text("meta_signature_vector.txt")).Groups[1].Value,
            Signatures.Meta(Samples.Bytes("whatsapp_text_message_signed_raw.json"), TestBrand.WhatsAppAppSecret));

        var twilio = Samples.Text("twilio_signature_vector.txt");
        Assert.Contains("Expected X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=", twilio);
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", Signatures.Twilio("https://mycompany.com/myapp.php?foo=1&bar=2",
            [new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"), new("From", "+14158675309"), new("To", "+18005551212")], "12345"));
        Assert.Contains("Expected  : IK+Dwps556ElfBT0I3Rgjkr1wJU=", twilio);
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", Signatures.Twilio("https://mycompany.com/myapp.php?foo=1&bar=2",
            [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234"), new("Digits", "1234")], "12345"));
    }

    [GeneratedRegex(@"VECTOR A.*?Expected header: X-Hub-Signature-256: (sha256=[0-9a-f]{64})", RegexOptions.Singleline)]
    private static partial Regex VectorASignature();

    Guid WhatsAppId(string externalEventId) => EndToEndHost.InteractionId(_acme, Channels.WhatsApp, externalEventId);

    async Task<UnifiedLead> LeadByPhoneAsync(string phone) =>
        Assert.Single(await host.ReadAsync(db => db.UnifiedLeads.Where(u => u.Brand == _acme.Name && u.Phone == phone).ToListAsync()));

    Task<List<StoredMessage>> MessagesAsync(Guid leadId) =>
        host.ReadAsync(db => db.Messages.Where(m => m.LeadId == leadId).OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .Select(m => new StoredMessage
            {
                Channel = m.Channel, Sender = m.Sender, Content = m.Content, MessageType = m.MessageType, Metadata = m.Metadata, OccurredAt = m.OccurredAt,
            })
            .ToListAsync());

    sealed record StoredMessage
    {
        public string Channel { get; init; } = "";
        public string Sender { get; init; } = "";
        public string? Content { get; init; }
        public string MessageType { get; init; } = "";
        public JsonElement Metadata { get; init; }
        public DateTime OccurredAt { get; init; }
    }
}

/// <summary>The provider samples, found by walking up from the test binaries.</summary>
public static class Samples
{
    static readonly Lazy<string> Location = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            // The gateway tests' copy, else the originals in shared/ beside the checkout.
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "tests", "Proxe.Gateway.Tests", "Providers", "Samples"), Path.Combine(dir.FullName, "shared", "provider-samples") })
                if (Directory.Exists(candidate))
                    return candidate;
        }
        throw new DirectoryNotFoundException($"No provider samples (tests/Proxe.Gateway.Tests/Providers/Samples or shared/provider-samples) above {AppContext.BaseDirectory}.");
    });

    public static string Folder => Location.Value;

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));
}
