using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>
/// The provider webhooks through the real gateway and a real RabbitMQ: a signed sample is answered the way the
/// provider expects and its interactions wait in the channel queue; every bad request is a problem and publishes nothing.
/// </summary>
public sealed class ProviderEndpointTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string Exchange = "Proxe.Contracts:ChannelInteractionReceived";
    private const string TwilioVoiceUrl = "http://localhost/webhooks/twilio/voice";
    private const string TwilioStatusUrl = "http://localhost/webhooks/twilio/voice/status";
    private readonly string _queue = $"providers-{Guid.NewGuid():N}";
    private readonly LogSink _logs = new();
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var key in Channels.All)
            await channel.QueueBindAsync(_queue, Exchange, key);

        _factory = Gateway(rabbit.AmqpUri, ProviderTestData.Settings());
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private WebApplicationFactory<Program> Gateway(Uri broker, Dictionary<string, string?> settings) =>
        new GatewayFactory(broker, settings).WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));

    // WhatsApp Cloud API

    [Fact]
    public async Task WhatsApp_real_Meta_signed_body_is_200_and_published()
    {
        var response = await PostJson(_client, "/webhooks/whatsapp", ProviderTestData.Sample("whatsapp_text_message_signed_raw.json"),
            (HubSignature.Header, "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (properties, message) = Assert.Single(await DrainAsync());
        const string wamid = "wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA";
        var id = InteractionIds.For("acme", Channels.WhatsApp, wamid);
        Assert.Equal(id.ToString(), properties.MessageId);
        Assert.True(properties.Persistent);
        Assert.Equal(id, message["interactionId"]!.GetValue<Guid>());
        Assert.Equal("acme", message["brand"]!.GetValue<string>());
        Assert.Equal(wamid, message["externalEventId"]!.GetValue<string>());
        Assert.Equal("972544401243", message["customer"]!["phoneNormalized"]!.GetValue<string>());
        Assert.Equal("Hey there! I am using PyWa.", message["message"]!["content"]!.GetValue<string>());
        Assert.Equal("277321005464405", message["whatsApp"]!["phoneNumberId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("whatsapp_text_message.json", "acme", ProviderTestData.AcmeWhatsAppSecret, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")]
    [InlineData("whatsapp_image_message.json", "globex", ProviderTestData.GlobexWhatsAppSecret, "wamid.xyzxyz")]
    [InlineData("whatsapp_status_delivered.json", "globex", ProviderTestData.GlobexWhatsAppSecret, "status:ABGGFlA5Fpa:delivered")]
    public async Task WhatsApp_samples_signed_by_their_brand_are_published_to_that_brand(string sample, string brand, string secret, string eventId)
    {
        var body = ProviderTestData.Sample(sample);
        var response = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, secret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal(brand, message["brand"]!.GetValue<string>());
        Assert.Equal(eventId, message["externalEventId"]!.GetValue<string>());
        Assert.Equal(InteractionIds.For(brand, Channels.WhatsApp, eventId), message["interactionId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task WhatsApp_status_receipt_is_published_without_a_message()
    {
        var body = ProviderTestData.Sample("whatsapp_status_delivered.json");
        await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.GlobexWhatsAppSecret)));

        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Null(message["message"]);
        Assert.Equal("delivered", message["whatsApp"]!["deliveryStatus"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhatsApp_body_with_one_byte_changed_is_401_and_publishes_nothing()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        body[body.Length / 2] ^= 0x01;

        var response = await PostJson(_client, "/webhooks/whatsapp", body,
            (HubSignature.Header, "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"));

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000")]
    [InlineData(ProviderTestData.GlobexWhatsAppSecret)]
    public async Task WhatsApp_missing_wrong_or_other_brands_signature_is_401(string? secretOrHeader)
    {
        var body = ProviderTestData.Sample("whatsapp_text_message.json");
        var header = secretOrHeader switch
        {
            null => null,
            _ when secretOrHeader.StartsWith("sha256=") => secretOrHeader,
            _ => HubSignature.Sign(body, secretOrHeader),
        };

        var response = await PostJson(_client, "/webhooks/whatsapp", body, header is null ? [] : [(HubSignature.Header, header)]);

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task WhatsApp_unknown_phone_number_id_signed_by_a_known_app_is_200_and_publishes_nothing()
    {
        var body = Encoding.UTF8.GetBytes(ProviderTestData.SampleText("whatsapp_text_message.json").Replace("106540352242922", "999000999"));

        var response = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeWhatsAppSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await DrainAsync());
        Assert.Contains(_logs.Messages, m => m.Contains("999000999") && m.Contains("no brand owns"));
    }

    [Fact]
    public async Task WhatsApp_account_fields_and_webhook_level_errors_are_200_logged_and_publish_nothing()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1749416383,"changes":[
              {"field":"account_update","value":{"phone_number":"15550783881","event":"VERIFIED_ACCOUNT"}},
              {"field":"message_template_status_update","value":{"event":"REJECTED","message_template_id":594425479261596,"message_template_name":"visit_reminder","message_template_language":"en_US","reason":"INCORRECT_CATEGORY"}},
              {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                "errors":[{"code":131000,"title":"Something went wrong","message":"Something went wrong","error_data":{"details":"Message failed to send for +919876543210"}}]}}]}]}
            """);

        var response = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeWhatsAppSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await DrainAsync());
        Assert.Contains(_logs.Messages, m => m.Contains("131000 Something went wrong"));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("9876543210"));
    }

    [Fact]
    public async Task Meta_signature_header_name_and_hex_case_do_not_matter_but_two_signatures_are_refused()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        const string signature = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441";

        var upper = await PostJson(_client, "/webhooks/whatsapp", body, ("x-hub-signature-256", "SHA256=" + signature["sha256=".Length..].ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.OK, upper.StatusCode);
        Assert.Single(await DrainAsync());

        var twice = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, signature), (HubSignature.Header, "sha256=" + new string('0', 64)));
        await AssertProblem(twice, HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task WhatsApp_unknown_phone_number_id_signed_by_an_unknown_app_is_401()
    {
        var body = Encoding.UTF8.GetBytes(ProviderTestData.SampleText("whatsapp_text_message.json").Replace("106540352242922", "999000999"));

        await AssertProblem(await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, "another-app"))), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WhatsApp_signed_malformed_json_is_400_and_publishes_nothing()
    {
        var body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[{"id":""");
        var response = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeWhatsAppSecret)));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("Invalid JSON", problem["detail"]!.GetValue<string>());
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task WhatsApp_unsigned_malformed_json_is_401_before_anything_is_parsed()
    {
        await AssertProblem(await PostJson(_client, "/webhooks/whatsapp", Encoding.UTF8.GetBytes("{not json"), []), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WhatsApp_message_without_id_is_400_after_the_signature_checked_out()
    {
        var body = Encoding.UTF8.GetBytes(ProviderTestData.SampleText("whatsapp_text_message.json")
            .Replace("\"id\": \"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=\", ", ""));

        var response = await PostJson(_client, "/webhooks/whatsapp", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeWhatsAppSecret)));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("messages[0]: id is missing", problem["detail"]!.GetValue<string>());
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData("/webhooks/whatsapp")]
    [InlineData("/webhooks/meta")]
    [InlineData("/webhooks/web")]
    public async Task Json_webhooks_refuse_another_media_type_with_415(string path)
    {
        var content = new ByteArrayContent(ProviderTestData.Sample("whatsapp_text_message.json"));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        await AssertProblem(await _client.PostAsync(path, content), HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData("/webhooks/whatsapp", "application/json")]
    [InlineData("/webhooks/meta", "application/json")]
    [InlineData("/webhooks/web", "application/json")]
    [InlineData("/webhooks/twilio/voice", "application/x-www-form-urlencoded")]
    [InlineData("/webhooks/twilio/voice/status", "application/x-www-form-urlencoded")]
    public async Task Bodies_over_one_megabyte_are_413(string path, string mediaType)
    {
        var content = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);

        await AssertProblem(await _client.PostAsync(path, content), HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_too()
    {
        var content = new StreamContent(new MemoryStream(new byte[1024 * 1024 + 10]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await AssertProblem(await _client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/webhooks/whatsapp", "acme-whatsapp-verify")]
    [InlineData("/webhooks/whatsapp", "globex-whatsapp-verify")]
    [InlineData("/webhooks/meta", "acme-meta-verify")]
    public async Task Verify_handshake_answers_the_bare_challenge(string path, string token)
    {
        var response = await _client.GetAsync($"{path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/webhooks/whatsapp", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong")]
    [InlineData("/webhooks/whatsapp", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=acme-meta-verify")]
    [InlineData("/webhooks/whatsapp", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=acme-whatsapp-verify")]
    [InlineData("/webhooks/whatsapp", "hub.mode=subscribe&hub.verify_token=acme-whatsapp-verify")]
    [InlineData("/webhooks/meta", "hub.mode=subscribe&hub.challenge=1")]
    [InlineData("/webhooks/meta", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=acme-whatsapp-verify")]
    public async Task Verify_handshake_with_a_wrong_token_or_mode_is_403(string path, string query)
    {
        await AssertProblem(await _client.GetAsync($"{path}?{query}"), HttpStatusCode.Forbidden);
    }

    // Instagram and Messenger

    [Fact]
    public async Task Instagram_dm_sample_signed_with_the_brands_app_secret_is_200_and_published()
    {
        var body = ProviderTestData.Sample("instagram_dm.json");
        var response = await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("social", message["channel"]!.GetValue<string>());
        Assert.Equal("acme", message["brand"]!.GetValue<string>());
        Assert.Equal("instagram", message["customer"]!["platform"]!.GetValue<string>());
        Assert.Equal("instagram:1129842642640637", message["sessionKey"]!.GetValue<string>());
        Assert.Equal("oi", message["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messenger_vector_C_body_verifies_with_its_sha256_header()
    {
        const string body = """{"object":"page","entry":[{"id":"111899832631525","time":1480279487271,"messaging":[{"sender":{"id":"1433960459967306"},"recipient":{"id":"111899832631525"},"timestamp":1480279487147,"message":{"mid":"mid.1480279487147:4388d3b344","seq":36,"text":"Hi"}}]}]}""";

        var response = await PostJson(_client, "/webhooks/meta", Encoding.UTF8.GetBytes(body),
            (HubSignature.Header, "sha256=bcc5bd9f45ededb77ddccb00da4b5f17db1469378185692ca58b6240c6efa167"),
            ("X-Hub-Signature", "sha1=74432bfe572675092cc81b5ac903ff3f971b04e5"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("messenger:1433960459967306", message["sessionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Meta_tampered_body_is_401_and_publishes_nothing()
    {
        var body = ProviderTestData.Sample("instagram_dm.json");
        var header = HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret);
        body[^5] ^= 0x01;

        await AssertProblem(await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, header)), HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Meta_echo_and_unknown_account_are_200_and_publish_nothing()
    {
        var echo = Encoding.UTF8.GetBytes("""{"object":"instagram","entry":[{"time":1,"id":"17841400538867190","messaging":[{"sender":{"id":"17841400538867190"},"recipient":{"id":"1"},"timestamp":1762031146380,"message":{"mid":"m","text":"ours","is_echo":true}}]}]}""");
        var unknown = Encoding.UTF8.GetBytes("""{"object":"instagram","entry":[{"time":1,"id":"555","messaging":[{"sender":{"id":"1"},"recipient":{"id":"555"},"timestamp":1762031146380,"message":{"mid":"m","text":"x"}}]}]}""");

        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", echo, (HubSignature.Header, HubSignature.Sign(echo, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", unknown, (HubSignature.Header, HubSignature.Sign(unknown, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Meta_standby_message_is_published_and_messaging_fields_sent_as_changes_are_200()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"object":"page","entry":[{"id":"111899832631525","time":1762031200000,
              "standby":[{"sender":{"id":"5550001"},"recipient":{"id":"111899832631525"},"timestamp":1762031190000,"message":{"mid":"m_standby","text":"Still there?"}}]}]}
            """);
        var test = Encoding.UTF8.GetBytes("""
            {"object":"instagram","entry":[{"id":"17841400538867190","time":1762031200,"changes":[
              {"field":"messages","value":{"sender":{"id":"12334"},"recipient":{"id":"23245"},"timestamp":"1527459824","message":{"mid":"random_mid","text":"random_text"}}}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", test, (HubSignature.Header, HubSignature.Sign(test, ProviderTestData.AcmeMetaSecret)))).StatusCode);

        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("m_standby", message["externalEventId"]!.GetValue<string>());
        Assert.Equal("messenger:5550001", message["sessionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Meta_unknown_object_is_400()
    {
        var body = Encoding.UTF8.GetBytes("""{"object":"permissions","entry":[]}""");
        await AssertProblem(await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret))), HttpStatusCode.BadRequest);
    }

    // Twilio Voice

    [Fact]
    public async Task Twilio_incoming_call_sample_gets_the_brands_TwiML_and_is_published()
    {
        var body = ProviderTestData.Sample("twilio_voice_incoming.form");
        var response = await PostForm(_client, "/webhooks/twilio/voice", body, TwilioVoiceUrl, ProviderTestData.TwilioToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("<Response><Say>Welcome to Acme.</Say><Record transcribe=\"true\"/></Response>", await response.Content.ReadAsStringAsync());
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("voice", message["channel"]!.GetValue<string>());
        Assert.Equal("CAd7fe2ad60939a04e564c0e4e3302ff5b:incoming", message["externalEventId"]!.GetValue<string>());
        Assert.Equal("call started", message["message"]!["content"]!.GetValue<string>());
        Assert.Equal("+13163336936", message["voice"]!["phoneNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task Twilio_brand_without_TwiML_gets_the_default_answer()
    {
        var body = Encoding.UTF8.GetBytes("CallSid=CA9&From=%2B14155550123&To=%2B14155550100&Direction=inbound&CallStatus=ringing");
        var response = await PostForm(_client, "/webhooks/twilio/voice", body, TwilioVoiceUrl, ProviderTestData.GlobexTwilioToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>", twiml);
        Assert.Equal("globex", Assert.Single(await DrainAsync()).Message["brand"]!.GetValue<string>());
    }

    [Fact]
    public async Task Twilio_completed_status_sample_is_204_and_published()
    {
        var body = ProviderTestData.Sample("twilio_voice_status_completed.form");
        var response = await PostForm(_client, "/webhooks/twilio/voice/status", body, TwilioStatusUrl, ProviderTestData.TwilioToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("CAd7fe2ad60939a04e564c0e4e3302ff5b:status:0", message["externalEventId"]!.GetValue<string>());
        Assert.Equal(9, message["voice"]!["callDurationSeconds"]!.GetValue<int>());
        Assert.Equal("call ended", message["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Twilio_recording_callback_routes_by_the_signed_brand_parameter()
    {
        var body = Encoding.UTF8.GetBytes("AccountSid=AC1&CallSid=CA1&RecordingSid=RE1&RecordingStatus=completed&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2FRE1");

        var response = await PostForm(_client, "/webhooks/twilio/voice/status?brand=acme", body, TwilioStatusUrl + "?brand=acme", ProviderTestData.TwilioToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("https://api.twilio.com/RE1", message["voice"]!["recordingUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Twilio_dial_leg_to_an_agent_lands_on_the_customers_call_and_a_hidden_caller_has_no_phone()
    {
        var dial = Encoding.UTF8.GetBytes("AccountSid=AC1&CallSid=CA_CHILD&ParentCallSid=CA_PARENT&From=%2B919876543210&To=%2B919845000000" +
                                          "&Direction=outbound-dial&CallStatus=no-answer&SequenceNumber=3");
        var hidden = Encoding.UTF8.GetBytes("CallSid=CA_HIDDEN&From=%2B266696687&To=%2B13163336936&Direction=inbound&CallStatus=ringing&SequenceNumber=0");

        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(_client, "/webhooks/twilio/voice/status?brand=acme", dial, TwilioStatusUrl + "?brand=acme", ProviderTestData.TwilioToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(_client, "/webhooks/twilio/voice/status", hidden, TwilioStatusUrl, ProviderTestData.TwilioToken)).StatusCode);

        var messages = await DrainAsync();
        Assert.Equal(2, messages.Count);
        var leg = messages[0].Message;
        Assert.Equal("CA_PARENT", leg["sessionKey"]!.GetValue<string>());
        Assert.Equal("CA_PARENT", leg["voice"]!["callSid"]!.GetValue<string>());
        Assert.Null(leg["customer"]!["phone"]);
        Assert.Null(leg["voice"]!["callStatus"]);
        Assert.Equal("dialed party: no-answer", leg["message"]!["content"]!.GetValue<string>());
        var caller = messages[1].Message;
        Assert.Equal("anonymous", caller["customer"]!["phone"]!.GetValue<string>());
        Assert.Null(caller["customer"]!["phoneNormalized"]);
    }

    [Fact]
    public async Task Twilio_signature_for_another_url_or_token_or_body_is_401()
    {
        var body = ProviderTestData.Sample("twilio_voice_status_completed.form");
        await AssertProblem(await PostForm(_client, "/webhooks/twilio/voice/status", body, TwilioVoiceUrl, ProviderTestData.TwilioToken), HttpStatusCode.Unauthorized);
        await AssertProblem(await PostForm(_client, "/webhooks/twilio/voice/status", body, TwilioStatusUrl, ProviderTestData.GlobexTwilioToken), HttpStatusCode.Unauthorized);

        var signature = TwilioSignature.Sign(TwilioStatusUrl, new FormReader(Encoding.UTF8.GetString(body)).ReadForm(), ProviderTestData.TwilioToken);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("CallDuration=9", "CallDuration=8"));
        await AssertProblem(await SendForm(_client, "/webhooks/twilio/voice/status", tampered, signature), HttpStatusCode.Unauthorized);
        await AssertProblem(await SendForm(_client, "/webhooks/twilio/voice/status", body, signature: null), HttpStatusCode.Unauthorized);

        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Twilio_unknown_number_is_404_and_logged_masked()
    {
        var body = Encoding.UTF8.GetBytes("CallSid=CA1&From=%2B919876543210&To=%2B15005550006&Direction=inbound&CallStatus=ringing");

        await AssertProblem(await PostForm(_client, "/webhooks/twilio/voice", body, TwilioVoiceUrl, ProviderTestData.TwilioToken), HttpStatusCode.NotFound);

        Assert.Empty(await DrainAsync());
        Assert.Contains(_logs.Messages, m => m.Contains("+15*****0006"));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("15005550006") || m.Contains("9876543210"));
    }

    [Fact]
    public async Task Twilio_form_without_CallSid_is_400()
    {
        var body = Encoding.UTF8.GetBytes("From=%2B919876543210&To=%2B13163336936&CallStatus=ringing");
        await AssertProblem(await PostForm(_client, "/webhooks/twilio/voice", body, TwilioVoiceUrl, ProviderTestData.TwilioToken), HttpStatusCode.BadRequest);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Twilio_refuses_json_and_multipart_with_415()
    {
        var json = new StringContent("""{"CallSid":"CA1"}""", Encoding.UTF8, "application/json");
        await AssertProblem(await _client.PostAsync("/webhooks/twilio/voice", json), HttpStatusCode.UnsupportedMediaType);

        var multipart = new MultipartFormDataContent { { new StringContent("CA1"), "CallSid" } };
        await AssertProblem(await _client.PostAsync("/webhooks/twilio/voice/status", multipart), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Twilio_behind_a_proxy_verifies_against_the_configured_public_url()
    {
        var settings = ProviderTestData.Settings();
        settings["Proxe:Providers:PublicBaseUrl"] = "https://proxe.example.com/";
        await using var proxied = Gateway(rabbit.AmqpUri, settings);
        var client = proxied.CreateClient();
        var body = ProviderTestData.Sample("twilio_voice_status_completed.form");

        await AssertProblem(await PostForm(client, "/webhooks/twilio/voice/status", body, TwilioStatusUrl, ProviderTestData.TwilioToken), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(client, "/webhooks/twilio/voice/status", body, "https://proxe.example.com/webhooks/twilio/voice/status", ProviderTestData.TwilioToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(client, "/webhooks/twilio/voice/status", body, "https://proxe.example.com:443/webhooks/twilio/voice/status", ProviderTestData.TwilioToken)).StatusCode);
        Assert.Equal(2, (await DrainAsync()).Count);
    }

    // Web widget

    [Fact]
    public async Task Web_widget_chat_is_202_with_one_interaction_per_message()
    {
        var body = Encoding.UTF8.GetBytes(WebChat);
        var response = await PostWeb(body, DateTimeOffset.UtcNow, ProviderTestData.AcmeWidgetSecret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<JsonObject>())!["interaction_ids"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToList();
        Assert.Equal([InteractionIds.For("acme", Channels.Web, "chat-7f3a-1"), InteractionIds.For("acme", Channels.Web, "chat-7f3a-2")], ids);
        var published = await DrainAsync();
        Assert.Equal(ids.Order(), published.Select(p => p.Message["interactionId"]!.GetValue<Guid>()).Order());
        Assert.All(published, p => Assert.Equal("confirmed", p.Message["web"]!["bookingStatus"]!.GetValue<string>()));
        Assert.All(published, p => Assert.Equal("919876543210", p.Message["customer"]!["phoneNormalized"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(-301, ProviderTestData.AcmeWidgetSecret)]
    [InlineData(301, ProviderTestData.AcmeWidgetSecret)]
    [InlineData(0, "not-the-secret")]
    public async Task Web_widget_stale_or_wrongly_signed_post_is_401(int skewSeconds, string secret)
    {
        var response = await PostWeb(Encoding.UTF8.GetBytes(WebChat), DateTimeOffset.UtcNow.AddSeconds(skewSeconds), secret);

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Web_widget_without_signature_headers_is_401()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(WebChat));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await AssertProblem(await _client.PostAsync("/webhooks/web", content), HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Web_widget_unknown_brand_is_404()
    {
        var body = Encoding.UTF8.GetBytes(WebChat.Replace("\"acme\"", "\"initech\""));
        await AssertProblem(await PostWeb(body, DateTimeOffset.UtcNow, ProviderTestData.AcmeWidgetSecret), HttpStatusCode.NotFound);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Web_widget_post_for_one_brand_signed_with_another_brands_secret_is_401()
    {
        var body = Encoding.UTF8.GetBytes(WebChat.Replace("\"acme\"", "\"globex\""));
        await AssertProblem(await PostWeb(body, DateTimeOffset.UtcNow, ProviderTestData.AcmeWidgetSecret), HttpStatusCode.Unauthorized);
        await AssertProblem(await PostWeb(body, DateTimeOffset.UtcNow, ""), HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData("""{"brand":"acme","messages":[]}""", "external_session_id")]
    [InlineData("""{"external_session_id":"s"}""", "brand")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":[{"id":"m","sender":"robot","content":"Call me on 9876543210"}]}""", "sender")]
    [InlineData("""{"brand":"acme","external_session_id":"s","booking":{"date":"tomorrow"}}""", "booking.date")]
    [InlineData("""[1,2""", "Invalid JSON")]
    public async Task Web_widget_invalid_post_is_400_naming_the_problem_without_echoing_content(string json, string expected)
    {
        var response = await PostWeb(Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow, ProviderTestData.AcmeWidgetSecret);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>());
        Assert.DoesNotContain("9876543210", problem.ToJsonString());
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("9876543210"));
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Web_widget_refuses_the_chatwoot_sample_with_400()
    {
        var body = ProviderTestData.Sample("webchat_chatwoot_message_created.json");
        await AssertProblem(await PostWeb(body, DateTimeOffset.UtcNow, ProviderTestData.AcmeWidgetSecret), HttpStatusCode.BadRequest);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Broker_down_is_answered_from_the_spool_with_the_whole_request_in_it()
    {
        await using var offline = Gateway(new Uri("amqp://guest:guest@127.0.0.1:1/"), ProviderTestData.Settings());
        var body = ProviderTestData.Sample("instagram_dm.json");

        var response = await PostJson(offline.CreateClient(), "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains(Proxe.Gateway.Publishing.InteractionPublisher.SpooledHeader));
        var spooled = offline.Services.GetRequiredService<Proxe.Gateway.Publishing.ISpoolStatus>().Current;
        Assert.Equal((1, 1), (spooled.Requests, spooled.Interactions));
    }

    [Fact]
    public async Task OpenApi_document_lists_every_webhook_with_examples()
    {
        var document = (await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = document["paths"]!;

        Assert.NotNull(paths["/webhooks/whatsapp"]!["get"]);
        Assert.NotNull(paths["/webhooks/meta"]!["get"]);
        Assert.NotNull(paths["/webhooks/whatsapp"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["text"]);
        Assert.NotNull(paths["/webhooks/meta"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["comment"]);
        Assert.NotNull(paths["/webhooks/web"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["chat"]);
        Assert.Equal("CAd7fe2ad60939a04e564c0e4e3302ff5b",
            paths["/webhooks/twilio/voice"]!["post"]!["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!["examples"]!["incoming"]!["value"]!["CallSid"]!.GetValue<string>());
        Assert.NotNull(paths["/webhooks/twilio/voice/status"]!["post"]!["responses"]!["204"]);
    }

    private const string WebChat = """
        {"brand":"acme","visitor":{"id":"v-4f2c","name":"Asha Rao","email":"asha@example.com","phone":"098765 43210"},
         "external_session_id":"web-session-7f3a","website_url":"https://example.com/lakeview",
         "booking":{"status":"confirmed","date":"2026-12-05","time":"11:00"},
         "messages":[{"id":"chat-7f3a-1","sender":"customer","content":"Can I visit on Saturday?"},
                     {"id":"chat-7f3a-2","sender":"agent","content":"Booked: Saturday 11:00."}]}
        """;

    private async Task<HttpResponseMessage> PostWeb(byte[] body, DateTimeOffset signedAt, string secret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString();
        return await PostJson(_client, "/webhooks/web", body,
            (ProxeSignature.TimestampHeader, timestamp), (ProxeSignature.Header, ProxeSignature.Sign(body, timestamp, secret)));
    }

    private static async Task<HttpResponseMessage> PostJson(HttpClient client, string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostForm(HttpClient client, string path, byte[] body, string signedUrl, string token) =>
        SendForm(client, path, body, TwilioSignature.Sign(signedUrl, new FormReader(Encoding.UTF8.GetString(body)).ReadForm(), token));

    private static async Task<HttpResponseMessage> SendForm(HttpClient client, string path, byte[] body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        if (signature is not null)
            request.Headers.Add(TwilioSignature.Header, signature);
        return await client.SendAsync(request);
    }

    private static async Task<JsonObject> AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        return problem;
    }

    /// <summary>Everything in the test queue, in order; publishing is confirmed before the response, so this is final.</summary>
    private async Task<List<(IReadOnlyBasicProperties Properties, JsonNode Message)>> DrainAsync()
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<(IReadOnlyBasicProperties, JsonNode)>();
        while (await channel.BasicGetAsync(_queue, autoAck: true) is { } result)
            messages.Add((result.BasicProperties, JsonNode.Parse(result.Body.Span)!["message"]!));
        return messages;
    }

    private sealed class LogSink : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
