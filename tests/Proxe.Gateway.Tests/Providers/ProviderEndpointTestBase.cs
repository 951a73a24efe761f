using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proxe.Contracts;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>
/// The provider webhooks through the real gateway and a real RabbitMQ: a signed sample is answered the way the
/// provider expects and its interactions wait in the interactions queue; every bad request is a problem and publishes nothing.
/// One class per provider derives from this fixture.
/// </summary>
public abstract class ProviderEndpointTestBase(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    protected const string TwilioVoiceUrl = "http://localhost/webhooks/twilio/voice";
    protected const string TwilioStatusUrl = "http://localhost/webhooks/twilio/voice/status";
    protected readonly string _queue = $"providers-{Guid.NewGuid():N}";
    protected readonly LogSink _logs = new();
    protected WebApplicationFactory<Program> _factory = null!;
    protected HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await GatewayFactory.BindQueueAsync(rabbit, _queue);

        _factory = Gateway(rabbit.AmqpUri, ProviderTestData.Settings());
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    protected WebApplicationFactory<Program> Gateway(Uri broker, Dictionary<string, string?> settings) =>
        new GatewayFactory(broker, settings).WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));


    protected RabbitMqFixture Rabbit => rabbit;

    protected const string WebChat = """
        {"brand":"acme","visitor":{"id":"v-4f2c","name":"Asha Rao","email":"asha@example.com","phone":"098765 43210"},
         "external_session_id":"web-session-7f3a","website_url":"https://example.com/lakeview",
         "booking":{"status":"confirmed","date":"2026-12-05","time":"11:00"},
         "messages":[{"id":"chat-7f3a-1","sender":"customer","content":"Can I visit on Saturday?"},
                     {"id":"chat-7f3a-2","sender":"agent","content":"Booked: Saturday 11:00."}]}
        """;

    protected async Task<HttpResponseMessage> PostWeb(byte[] body, DateTimeOffset signedAt, string secret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString();
        return await PostJson(_client, "/webhooks/web", body,
            (ProxeSignature.TimestampHeader, timestamp), (ProxeSignature.Header, ProxeSignature.Sign(body, timestamp, secret)));
    }

    protected static async Task<HttpResponseMessage> PostJson(HttpClient client, string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return await client.SendAsync(request);
    }

    protected static Task<HttpResponseMessage> PostForm(HttpClient client, string path, byte[] body, string signedUrl, string token) =>
        SendForm(client, path, body, TwilioSignature.Sign(signedUrl, new FormReader(Encoding.UTF8.GetString(body)).ReadForm(), token));

    protected static async Task<HttpResponseMessage> SendForm(HttpClient client, string path, byte[] body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        if (signature is not null)
            request.Headers.Add(TwilioSignature.Header, signature);
        return await client.SendAsync(request);
    }

    protected static async Task<JsonObject> AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        return problem;
    }

    /// <summary>
    /// Every interaction in the test queue, in order, with the properties of the message that carried it; publishing
    /// is confirmed before the response, so this is final.
    /// </summary>
    protected async Task<List<(IReadOnlyBasicProperties Properties, JsonNode Message)>> DrainAsync()
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var interactions = new List<(IReadOnlyBasicProperties, JsonNode)>();
        while (await channel.BasicGetAsync(_queue, autoAck: true) is { } result)
            interactions.AddRange(GatewayFactory.InteractionsOf(result.Body).Select(interaction => (result.BasicProperties, interaction)));
        return interactions;
    }

    protected sealed class LogSink : ILoggerProvider
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
