using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests;

/// <summary>
/// The real gateway (Program) against a real broker. Two brands: acme (India) and globex (US).
/// Extra settings ("Proxe:Brands:acme:WhatsApp:AppSecret" = ...) go in <paramref name="settings"/>.
/// Each factory spools into a folder of its own (deleted on dispose) unless the settings name one ("Proxe:Spool:Directory").
/// </summary>
public sealed class GatewayFactory(Uri rabbitMq, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AcmeKey = "acme-test-key-0123456789";
    public const string GlobexKey = "globex-test-key-0123456789";

    /// <summary>The exchange MassTransit declares for the gateway's publishes (interactions of any channels), a fan-out.</summary>
    public const string Exchange = "Proxe.Contracts:InteractionsReceived";

    /// <summary>The interactions in a message the gateway published.</summary>
    public static IEnumerable<JsonNode> InteractionsOf(ReadOnlyMemory<byte> body) =>
        JsonNode.Parse(body.Span)!["message"]!["interactions"]!.AsArray().Select(interaction => interaction!);

    /// <summary>How many interactions the messages in a queue carry; they stay in the queue.</summary>
    public static async Task<int> CountInteractionsAsync(RabbitMqFixture rabbit, string queue) =>
        (await rabbit.PeekMessagesAsync(queue, 10_000)).Sum(message => JsonNode.Parse(message.Payload)!["message"]!["interactions"]!.AsArray().Count);

    private readonly string _ownSpool = NewSpoolDirectory();

    /// <summary>A fresh folder for a spool; the caller deletes it.</summary>
    public static string NewSpoolDirectory() => Path.Combine(Path.GetTempPath(), "proxe-gateway-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:RabbitMq", rabbitMq.ToString());
        builder.UseSetting("Proxe:Brands:acme:ApiKey", AcmeKey);
        builder.UseSetting("Proxe:Brands:acme:DefaultRegion", "IN");
        builder.UseSetting("Proxe:Brands:globex:ApiKey", GlobexKey);
        builder.UseSetting("Proxe:Brands:globex:DefaultRegion", "US");
        builder.UseSetting("Proxe:Publishing:Timeout", "00:00:02");
        builder.UseSetting("Proxe:Spool:Directory", _ownSpool);
        builder.UseSetting("Logging:LogLevel:MassTransit", "Error");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    /// <summary>A queue bound as the workers' interactions queue is: where a test finds what the gateway published.</summary>
    public static async Task BindQueueAsync(RabbitMqFixture rabbit, string queue)
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, Exchange, routingKey: "");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_ownSpool))
            Directory.Delete(_ownSpool, recursive: true);
    }
}
