using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Publishing;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>What every provider webhook shares: media types, size limits, Meta's handshake, broker outages and the OpenAPI document.</summary>
public sealed class WebhookEndpointTests(RabbitMqFixture rabbit) : ProviderEndpointTestBase(rabbit)
{
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

    [Fact]
    public async Task Broker_down_is_answered_from_the_spool_with_the_whole_request_in_it()
    {
        await using var offline = Gateway(new Uri("amqp://guest:guest@127.0.0.1:1/"), ProviderTestData.Settings());
        var body = ProviderTestData.Sample("instagram_dm.json");

        var response = await PostJson(offline.CreateClient(), "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains(InteractionPublisher.SpooledHeader));
        var spooled = offline.Services.GetRequiredService<ISpoolStatus>().Current;
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
}
