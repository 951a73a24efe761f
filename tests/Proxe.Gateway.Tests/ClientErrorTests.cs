using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
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

    [Fact]
    public async Task A_body_sent_too_slowly_to_the_real_server_gets_a_408_problem()
    {
        await using var factory = new GatewayFactory(rabbit.AmqpUri);
        factory.UseKestrel(kestrel =>
        {
            // Any free port: Kestrel's default 5000 may belong to another process on a shared machine.
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(2));
        });
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        // The headers promise 5,000 bytes; one arrives, then nothing: far below 1,000 bytes/s once the grace period is over.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v1/interactions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            $"X-Proxe-Key: {GatewayFactory.AcmeKey}\r\nContent-Length: 5000\r\n\r\n{{"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var statusLine = await reader.ReadLineAsync(timeout.Token);
        var answer = statusLine + "\n" + await ReadHeadersAndSomeBodyAsync(reader, timeout.Token);

        Assert.StartsWith("HTTP/1.1 408", statusLine);
        Assert.Contains("application/problem+json", answer);
        Assert.Contains("\"status\":408", answer);
    }

    static async Task<string> ReadHeadersAndSomeBodyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        while (!text.ToString().Contains("\"status\"", StringComparison.Ordinal))
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                break;
            text.Append(buffer, 0, read);
        }
        return text.ToString();
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
