using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>Twilio Voice webhooks: TwiML answers, callbacks, signatures over the called URL.</summary>
public sealed class TwilioVoiceEndpointTests(RabbitMqFixture rabbit) : ProviderEndpointTestBase(rabbit)
{
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
        await using var proxied = Gateway(Rabbit.AmqpUri, settings);
        var client = proxied.CreateClient();
        var body = ProviderTestData.Sample("twilio_voice_status_completed.form");

        await AssertProblem(await PostForm(client, "/webhooks/twilio/voice/status", body, TwilioStatusUrl, ProviderTestData.TwilioToken), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(client, "/webhooks/twilio/voice/status", body, "https://proxe.example.com/webhooks/twilio/voice/status", ProviderTestData.TwilioToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostForm(client, "/webhooks/twilio/voice/status", body, "https://proxe.example.com:443/webhooks/twilio/voice/status", ProviderTestData.TwilioToken)).StatusCode);
        Assert.Equal(2, (await DrainAsync()).Count);
    }
}
