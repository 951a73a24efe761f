using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Gateway.Http;
using Proxe.Testing;

namespace Proxe.Gateway.Tests;

/// <summary>The client's own faults are 4xx problem details, in every environment.</summary>
public sealed class ClientErrorTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    /// <summary>
    /// Kestrel throws BadHttpRequestException(408) from the body read when MinRequestBodyDataRate is not met; the gateway's
    /// handler (as registered in the app) turns it, and any other such client fault, into its 4xx problem.
    /// </summary>
    [Theory]
    [InlineData(StatusCodes.Status408RequestTimeout)]
    [InlineData(StatusCodes.Status400BadRequest)]
    [InlineData(StatusCodes.Status413PayloadTooLarge)]
    public async Task A_body_sent_too_slowly_gets_408_and_other_client_faults_their_4xx_problem_not_500(int status)
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri);
        var handler = Assert.Single(factory.Services.GetServices<IExceptionHandler>().OfType<ClientErrorHandler>());
        var context = new DefaultHttpContext { RequestServices = factory.Services };
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, new BadHttpRequestException("client fault", status), CancellationToken.None));

        Assert.Equal(status, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        Assert.Equal(status, JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("status").GetInt32());
        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext(), new InvalidOperationException(), CancellationToken.None));
    }

    [Theory]
    [InlineData("/webhooks/twilio/voice")]
    [InlineData("/webhooks/twilio/voice/status?brand=acme")]
    [InlineData("/webhooks/twilio/voice/status?brand=nope")]
    public async Task An_unsigned_Twilio_request_gets_the_same_401_whatever_brand_or_number_it_names(string path)
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri, new Dictionary<string, string?>
        {
            ["Proxe:Brands:acme:Twilio:PhoneNumbers:0"] = "+14155550100",
            ["Proxe:Brands:acme:Twilio:AuthToken"] = "acme-twilio-token",
        });
        using var client = factory.CreateClient();

        var form = "CallSid=CA1&From=%2B14155550199&To=%2B19999999999&Direction=inbound&CallStatus=ringing";
        using var response = await client.PostAsync(path, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Gateway_answers_are_not_stored_by_caches()
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri);
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/v1/interactions", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }
}
