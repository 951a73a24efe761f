using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Proxe.Testing;

namespace Proxe.Gateway.Tests;

/// <summary>
/// Issue 8: "every client error is a 4xx problem detail, in every environment". The other tests run the gateway as
/// "Testing"; here the same client faults go to it as Development (developer exception page, ThrowOnBadRequest) and Production.
/// </summary>
public sealed class ClientErrorEnvironmentTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Client_faults_are_4xx_problems_whatever_the_environment(string environment)
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri, new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Proxe:Brands:acme:Twilio:PhoneNumbers:0"] = "+14155550100",
            ["Proxe:Brands:acme:Twilio:AuthToken"] = "acme-twilio-token",
        });
        using var client = factory.CreateClient();
        Assert.Equal(environment, factory.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        var now = DateTimeOffset.UtcNow.ToString("O");
        var valid = $$"""{"channel":"web","external_event_id":"env-1","occurred_at":"{{now}}","customer":{"name":"XX","email":"e@example.com"},"session_key":"env"}""";

        var invalidUtf8 = Encoding.UTF8.GetBytes(valid);
        var at = Array.IndexOf(invalidUtf8, (byte)'X');
        (invalidUtf8[at], invalidUtf8[at + 1]) = ((byte)0xC3, (byte)0x28);

        (string What, HttpRequestMessage Request, HttpStatusCode Expected, string? Field)[] faults =
        [
            ("invalid UTF-8", V1(new ByteArrayContent(invalidUtf8)), HttpStatusCode.BadRequest, "$"),
            ("lone surrogate", V1(new StringContent(valid.Replace("\"XX\"", "\"\\ud83d\""))), HttpStatusCode.BadRequest, "customer.name"),
            ("NUL", V1(new StringContent(valid.Replace("\"XX\"", "\"a\\u0000b\""))), HttpStatusCode.BadRequest, "customer.name"),
            ("number jsonb cannot hold", V1(new StringContent(valid.Replace("\"session_key\"", "\"message\":{\"sender\":\"customer\",\"content\":\"x\",\"metadata\":{\"n\":1e1000000}},\"session_key\""))),
                HttpStatusCode.BadRequest, "message.metadata"),
            ("malformed JSON", V1(new StringContent("{\"channel\":")), HttpStatusCode.BadRequest, null),
            ("wrong type", V1(new StringContent(valid.Replace("\"XX\"", "42"))), HttpStatusCode.BadRequest, null),
            ("unsigned Twilio, known brand", Twilio("?brand=acme"), HttpStatusCode.Unauthorized, null),
            ("unsigned Twilio, unknown brand", Twilio("?brand=nope"), HttpStatusCode.Unauthorized, null),
        ];

        foreach (var (what, request, expected, field) in faults)
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{environment}, {what}: {(int)response.StatusCode} {text}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{environment}, {what}: {response.Content.Headers.ContentType} {text}");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            if (field is not null)
                Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{environment}, {what}: {text}");
        }
    }

    static HttpRequestMessage V1(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions") { Content = content };
        request.Headers.Add("X-Proxe-Key", GatewayFactory.AcmeKey);
        return request;
    }

    static HttpRequestMessage Twilio(string query) => new(HttpMethod.Post, "/webhooks/twilio/voice/status" + query)
    {
        Content = new StringContent("CallSid=CA1&From=%2B14155550199&To=%2B14155550100&Direction=inbound&CallStatus=ringing", Encoding.UTF8,
            "application/x-www-form-urlencoded"),
    };
}
