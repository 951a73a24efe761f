using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>The PROXe web widget: signed with a timestamp, 202 with the interaction ids.</summary>
public sealed class WebWidgetEndpointTests(RabbitMqFixture rabbit) : ProviderEndpointTestBase(rabbit)
{
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

    // The timestamp header holds whole seconds (rounded down): +301 s could arrive as +300.x, inside the window.
    [Theory]
    [InlineData(-301, ProviderTestData.AcmeWidgetSecret)]
    [InlineData(302, ProviderTestData.AcmeWidgetSecret)]
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
}
