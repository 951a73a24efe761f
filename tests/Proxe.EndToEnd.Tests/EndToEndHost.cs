extern alias gateway;
extern alias workers;

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Database;
using Proxe.Database.Entities;
using Proxe.Testing;
using RabbitMQ.Client;
using workers::Proxe.Workers.Interactions;
using GatewayProgram = gateway::Program;
using WorkersProgram = workers::Program;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// The whole pipeline in the test process: the real gateway and the real workers, on a PostgreSQL database and a
/// RabbitMQ vhost of their own, workers connected as proxe_ingest like in production. One per test class.
/// </summary>
public class EndToEndHost : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://e2e.proxe.test";
    public const string InteractionExchange = "Proxe.Contracts:ChannelInteractionReceived";

    /// <summary>Where the gateway publishes: a request's interactions, of any channels, per message (a fan-out).</summary>
    public const string BundleExchange = "Proxe.Contracts:InteractionsReceived";
    static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    static readonly string[] BrandNames =
        [TestBrand.Samples, TestBrand.ReceiptSamples, "proxe1", "proxe2", "proxe3", "redeliver", "race", "order", "identity", "poison", "intruder", "crash", "refused", "control", "contract", "contract2", "property", "old-body", "mixed"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    WebApplicationFactory<GatewayProgram>? _gateway;
    WebApplicationFactory<WorkersProgram>? _workers;
    HttpClient? _client;

    public PostgresDatabaseFixture Database { get; } = new();
    public RabbitMqFixture Broker { get; } = new();
    public WorkerProbe Probe { get; } = new();

    public HttpClient Client => _client ?? throw new InvalidOperationException("EndToEndHost is not initialized.");

    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), "proxe-e2e-spool", Guid.NewGuid().ToString("N"));
    /// <summary>A client of the workers' own HTTP endpoints (health, metrics).</summary>
    public HttpClient CreateWorkersClient() => (_workers ?? throw new InvalidOperationException("EndToEndHost is not initialized.")).CreateClient();

    public TestBrand Brand(string name)
    {
        var index = Array.IndexOf(BrandNames, name);
        return index >= 0 ? new TestBrand(name, index) : throw new ArgumentException($"Brand '{name}' is not configured; add it to {nameof(BrandNames)}.", nameof(name));
    }

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());

        _workers = new WebApplicationFactory<WorkersProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Proxe", Database.ConnectionStringFor("proxe_ingest"));
            web.UseSetting("ConnectionStrings:RabbitMq", Broker.AmqpUri.ToString());
            web.UseSetting("Proxe:Workers:RetryMaxInterval", "00:00:01");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<IInteractionCommitObserver>(Probe);
                services.AddConsumeObserver(_ => Probe);
                ConfigureServices(services);
            });
        });
        // Ready once the bus has declared and bound every queue, so the gateway's mandatory publishes find them.
        await WaitUntilReadyAsync("workers", _workers.CreateClient());

        _gateway = new WebApplicationFactory<GatewayProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:RabbitMq", Broker.AmqpUri.ToString());
            web.UseSetting("Proxe:Providers:PublicBaseUrl", PublicBaseUrl);
            web.UseSetting("Proxe:Spool:Directory", SpoolDirectory); // one spool per gateway: a spool folder is locked by its process
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in BrandNames.Select(Brand).SelectMany(brand => brand.Settings()))
                web.UseSetting(key, value);
            web.ConfigureTestServices(ConfigureServices);
        });
        _client = _gateway.CreateClient();
        await WaitUntilReadyAsync("gateway", _gateway.CreateClient());
    }

    /// <summary>Services added to both the gateway and the workers, after their own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_workers is not null)
            await _workers.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(SpoolDirectory))
            Directory.Delete(SpoolDirectory, recursive: true);
    }

    static async Task WaitUntilReadyAsync(string service, HttpClient client)
    {
        using (client)
            await WaitForAsync($"the {service} answer /health/ready", async () => (int)(await client.GetAsync("/health/ready")).StatusCode, status => status == 200);
    }

    // ---- HTTP, signed like each caller signs ----

    public static Guid InteractionId(TestBrand brand, string channel, string externalEventId) =>
        gateway::Proxe.Gateway.Contract.InteractionIds.For(brand.Name, channel, externalEventId);

    /// <summary>POST /v1/interactions with the brand's key; <paramref name="body"/> is serialized as snake_case JSON.</summary>
    public Task<HttpResponseMessage> PostInteractionsAsync(TestBrand brand, object body, string? apiKey = null) =>
        PostInteractionsRawAsync(apiKey ?? brand.ApiKey, JsonSerializer.Serialize(body, Json));

    public Task<HttpResponseMessage> PostInteractionsRawAsync(string? apiKey, string body, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions") { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        if (apiKey is not null)
            request.Headers.Add("X-Proxe-Key", apiKey);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostWhatsAppAsync(byte[] body, string? signature = null) =>
        PostSignedJsonAsync("/webhooks/whatsapp", body, ("X-Hub-Signature-256", signature ?? Signatures.Meta(body, TestBrand.WhatsAppAppSecret)));

    public Task<HttpResponseMessage> PostMetaAsync(byte[] body) =>
        PostSignedJsonAsync("/webhooks/meta", body, ("X-Hub-Signature-256", Signatures.Meta(body, TestBrand.MetaAppSecret)));

    /// <summary>The web widget, signed now (or at <paramref name="signedAt"/>).</summary>
    public Task<HttpResponseMessage> PostWidgetAsync(byte[] body, DateTimeOffset? signedAt = null)
    {
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return PostSignedJsonAsync("/webhooks/web", body,
            ("X-Proxe-Timestamp", timestamp), ("X-Proxe-Signature", Signatures.Widget(body, timestamp, TestBrand.WidgetSecret)));
    }

    /// <summary>A Twilio form post, signed over the configured public URL as Twilio signs the URL it called.</summary>
    public Task<HttpResponseMessage> PostTwilioAsync(string path, string form)
    {
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + form)
            .SelectMany(p => p.Value.Select(value => KeyValuePair.Create(p.Key, value ?? "")));
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Twilio-Signature", Signatures.Twilio(PublicBaseUrl + path, parameters, TestBrand.TwilioAuthToken));
        return Client.SendAsync(request);
    }

    /// <summary>POST /v1/interactions with raw bytes (invalid UTF-8 included).</summary>
    public Task<HttpResponseMessage> PostInteractionsBytesAsync(string apiKey, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions") { Content = content };
        request.Headers.Add("X-Proxe-Key", apiKey);
        return Client.SendAsync(request);
    }

    /// <summary>Messages waiting in every error queue: an interaction the gateway accepted but a worker could not store.</summary>
    public async Task<uint> ErrorQueueDepthAsync()
    {
        uint total = 0;
        foreach (var queue in Proxe.Contracts.Channels.All.Select(c => $"{c}-interactions_error").Append("lead-journey_error"))
            total += await Broker.GetQueueDepthAsync(queue);
        return total;
    }

    Task<HttpResponseMessage> PostSignedJsonAsync(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return Client.SendAsync(request);
    }

    // ---- waiting for the pipeline ----

    /// <summary>Posts one interaction to /v1/interactions, expects 202, and waits until the journey has taken it in.</summary>
    public async Task PostAndWaitAsync(TestBrand brand, string channel, string externalEventId, object body)
    {
        var response = await PostInteractionsAsync(brand, body);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted,
            $"POST /v1/interactions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await WaitForJourneyAsync(InteractionId(brand, channel, externalEventId));
    }

    /// <summary>Until the journey has taken each interaction in: from then on the lead row shows it.</summary>
    public Task WaitForJourneyAsync(params Guid[] interactionIds) =>
        WaitForAsync($"the journey handled interaction(s) {string.Join(", ", interactionIds)}",
            () => Task.FromResult(interactionIds.Where(id => Probe.JourneyHandled(id) == 0).ToList()),
            missing => missing.Count == 0);

    /// <summary>Polls every 100 ms until <paramref name="until"/> holds; on timeout fails with what was seen last.</summary>
    public static Task<T> WaitForAsync<T>(string what, Func<Task<T>> read, Func<T, bool> until, TimeSpan? timeout = null) =>
        Poll.ForAsync(what, read, until, timeout ?? DefaultWait, Describe);

    /// <summary>Polls a query until its rows satisfy <paramref name="until"/>.</summary>
    public Task<List<T>> WaitForRowsAsync<T>(string what, Func<ProxeDbContext, IQueryable<T>> query, Func<List<T>, bool> until) =>
        WaitForAsync(what, () => ReadAsync(db => query(db).ToListAsync()), until);

    static string Describe<T>(T seen)
    {
        try
        {
            return JsonSerializer.Serialize(seen, Json);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return seen?.ToString() ?? "null";
        }
    }

    // ---- the database, read as superuser (row-level security does not hide anything from the test) ----

    public async Task<T> ReadAsync<T>(Func<ProxeDbContext, Task<T>> read)
    {
        await using var db = Database.CreateDbContext();
        return await read(db);
    }

    /// <summary>The brand's unified_leads rows (the dashboard's view).</summary>
    public Task<List<UnifiedLead>> UnifiedLeadsAsync(TestBrand brand) =>
        ReadAsync(db => db.UnifiedLeads.Where(u => u.Brand == brand.Name).OrderBy(u => u.Timestamp).ThenBy(u => u.Id).ToListAsync());

    /// <summary>A lead's message journey, as timelines read it: by occurred_at.</summary>
    public Task<List<JourneyMessage>> JourneyAsync(Guid leadId) =>
        ReadAsync(db => db.Messages.Where(m => m.LeadId == leadId).OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .Select(m => new JourneyMessage { Channel = m.Channel, Sender = m.Sender, Content = m.Content, MessageType = m.MessageType })
            .ToListAsync());

    // ---- the broker ----

    /// <summary>
    /// A queue of the test's own bound to the gateway's exchange and to every channel's routing key of the single
    /// interactions' exchange: it receives a copy of everything the gateway publishes, whatever the workers consume.
    /// </summary>
    public async Task<string> TapInteractionsAsync()
    {
        var queue = $"test-tap-{Guid.NewGuid():N}";
        await using var connection = await Broker.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, BundleExchange, routingKey: "");
        foreach (var routingKey in Proxe.Contracts.Channels.All)
            await channel.QueueBindAsync(queue, InteractionExchange, routingKey);
        return queue;
    }
}

public static class UnifiedLeadExtensions
{
    /// <summary>The channels metadata holds an object for, sorted.</summary>
    public static IReadOnlyList<string> MetadataChannels(this UnifiedLead lead) =>
        lead.Metadata.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}

public sealed record JourneyMessage
{
    public string Channel { get; init; } = "";
    public string Sender { get; init; } = "";
    public string? Content { get; init; }
    public string MessageType { get; init; } = "";

    public override string ToString() => $"{Channel}/{Sender}/{MessageType}: {Content}";
}
