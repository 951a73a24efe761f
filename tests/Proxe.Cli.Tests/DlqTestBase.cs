using System.CommandLine;
using System.Text;
using Proxe.Cli.Dlq;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Cli.Tests;

/// <summary>A fresh vhost per test, queues shaped like the workers' (web-interactions and its _error), and the CLI in-process.</summary>
public abstract class DlqTestBase : IAsyncLifetime
{
    protected const string Queue = "web-interactions";
    protected const string ErrorQueue = "web-interactions_error";
    protected const string CustomerPhone = "+919876543210";
    protected const string CustomerEmail = "asha.rao@example.com";

    protected RabbitMqFixture Rabbit { get; } = new();

    public Task InitializeAsync() => Rabbit.InitializeAsync();

    public Task DisposeAsync() => Rabbit.DisposeAsync();

    protected Task<CliResult> RunAsync(params string[] args) =>
        RunAsync(args, Rabbit.AmqpUri.ToString(), Rabbit.ManagementUri.ToString());

    protected static async Task<CliResult> RunAsync(string[] args, string amqp, string management, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { DlqCommand.Create() };
        var exitCode = await root.Parse(["dlq", .. args, "--rabbitmq", amqp, "--management", management])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    protected async Task DeclareAsync(string queue, IDictionary<string, object?>? arguments = null)
    {
        await using var connection = await Rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments);
    }

    /// <summary>Puts <paramref name="count"/> messages into the queue as MassTransit's error transport leaves them; returns their message ids in order.</summary>
    protected async Task<IReadOnlyList<string>> SeedFaultsAsync(string queue, int count)
    {
        await using var connection = await Rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var before = await Rabbit.GetQueueDepthAsync(queue);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString();
            var properties = new BasicProperties
            {
                MessageId = id,
                ContentType = "application/vnd.masstransit+json",
                DeliveryMode = DeliveryModes.Persistent,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = "Npgsql.PostgresException",
                    ["MT-Fault-Message"] = $"23505: duplicate key for phone {CustomerPhone}",
                    ["MT-Fault-StackTrace"] = "   at Proxe.Workers.Interactions.WebInteractionConsumer.Consume()\n   at MassTransit.Pipeline()",
                    ["MT-Fault-Timestamp"] = "2025-03-01T10:15:30.0000000Z",
                    ["MT-Fault-InputAddress"] = $"rabbitmq://127.0.0.1/{Rabbit.VirtualHost}/{Queue}",
                    ["MT-Fault-ConsumerType"] = "Proxe.Workers.Interactions.WebInteractionConsumer",
                    ["MT-Fault-RetryCount"] = 3,
                    ["MT-Reason"] = "fault",
                    ["MT-Host-MachineName"] = "worker-7",
                    ["MT-Host-ProcessName"] = "Proxe.Workers",
                    ["MT-Host-ProcessId"] = 4242,
                    ["x-tenant-trace"] = $"trace-{i}",
                },
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(Envelope(id, i)));
            ids.Add(id);
        }

        await Rabbit.WaitForQueueDepthAsync(queue, before + (uint)count);
        return ids;
    }

    /// <summary>Empties the queue and returns what it held, head first.</summary>
    protected async Task<IReadOnlyList<Received>> DrainAsync(string queue)
    {
        await using var connection = await Rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<Received>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .ToDictionary(h => h.Key, h => h.Value is byte[] text ? Encoding.UTF8.GetString(text) : h.Value);
            messages.Add(new Received(result.BasicProperties.MessageId, Encoding.UTF8.GetString(result.Body.Span), headers,
                result.BasicProperties.Persistent, result.BasicProperties.ContentType));
        }

        return messages;
    }

    protected static string Envelope(string messageId, int index) => $$"""
        {
          "messageId": "{{messageId}}",
          "messageType": ["urn:message:Proxe.Contracts:ChannelInteractionReceived"],
          "destinationAddress": "rabbitmq://127.0.0.1/proxe/Proxe.Contracts:ChannelInteractionReceived",
          "sentTime": "2025-03-01T10:15:00.1234567Z",
          "message": {
            "interactionId": "{{messageId}}",
            "channel": "web",
            "brand": "bcon",
            "externalEventId": "evt-{{index}}",
            "customer": { "name": "Asha Rao", "email": "{{CustomerEmail}}", "phone": "{{CustomerPhone}}", "phoneNormalized": "919876543210" },
            "message": { "sender": "customer", "content": "Call me on 98765 43210 tomorrow", "type": "text" },
            "web": { "bookingDate": "2025-03-04", "websiteUrl": "https://bcon.example/pricing" }
          }
        }
        """;

    protected sealed record CliResult(int ExitCode, string Output, string Error);

    protected sealed record Received(string? MessageId, string Body, IReadOnlyDictionary<string, object?> Headers, bool Persistent, string? ContentType);
}
