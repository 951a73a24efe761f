using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>WhatsApp Cloud API webhooks: signatures, routing by phone_number_id, receipts and account-level events.</summary>
public sealed class WhatsAppEndpointTests(RabbitMqFixture rabbit) : ProviderEndpointTestBase(rabbit)
{
    [Fact]
    public async Task WhatsApp_real_Meta_signed_body_is_200_and_published()
    {
        var response = await PostJson(_client, "/webhooks/whatsapp", ProviderTestData.Sample("whatsapp_text_message_signed_raw.json"),
            (HubSignature.Header, "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (properties, message) = Assert.Single(await DrainAsync());
        const string wamid = "wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA";
        var id = InteractionIds.For("acme", Channels.WhatsApp, wamid);
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
}
