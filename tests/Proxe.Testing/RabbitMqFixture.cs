using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Testcontainers.RabbitMq;
using Xunit;

namespace Proxe.Testing;

/// <summary>
/// A RabbitMQ virtual host of its own for one test class (so classes run in parallel without seeing
/// each other's queues), on the broker named by PROXE_TEST_RABBITMQ, else in a Testcontainers container.
/// The vhost is deleted on dispose.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "PROXE_TEST_RABBITMQ";
    public const string ManagementVariable = "PROXE_TEST_RABBITMQ_MANAGEMENT";
    public const string CtlVariable = "PROXE_TEST_RABBITMQCTL";
    private const int ManagementPort = 15672;

    private RabbitMqContainer? _container;
    private HttpClient? _management;

    public string Host { get; private set; } = "";
    public int Port { get; private set; }
    public string Username { get; private set; } = "";
    public string Password { get; private set; } = "";
    public string VirtualHost { get; } = $"proxe-test-{Guid.NewGuid():N}";

    /// <summary>amqp://user:password@host:port/vhost — what MassTransit's <c>cfg.Host(uri)</c> and RabbitMQ.Client take.</summary>
    public Uri AmqpUri => new UriBuilder("amqp", Host, Port, VirtualHost)
    {
        UserName = Uri.EscapeDataString(Username),
        Password = Uri.EscapeDataString(Password),
    }.Uri;

    public Uri ManagementUri => Management.BaseAddress!;

    private HttpClient Management => _management ?? throw new InvalidOperationException("RabbitMqFixture is not initialized.");

    public async Task InitializeAsync()
    {
        var broker = Environment.GetEnvironmentVariable(ConnectionVariable);
        Uri amqp;
        Uri management;
        if (!string.IsNullOrWhiteSpace(broker))
        {
            amqp = new Uri(broker);
            var configured = Environment.GetEnvironmentVariable(ManagementVariable);
            management = string.IsNullOrWhiteSpace(configured) ? new Uri($"http://{amqp.Host}:{ManagementPort}/") : new Uri(configured);
        }
        else
        {
            _container = await StartContainerAsync();
            amqp = new Uri(_container.GetConnectionString());
            management = new Uri($"http://{_container.Hostname}:{_container.GetMappedPublicPort(ManagementPort)}/");
        }

        Host = amqp.Host;
        Port = amqp.IsDefaultPort || amqp.Port <= 0 ? 5672 : amqp.Port;
        var userInfo = amqp.UserInfo.Split(':', 2);
        Username = Uri.UnescapeDataString(userInfo[0]);
        Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "";

        _management = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(30) };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));

        await SendManagementAsync(HttpMethod.Put, $"api/vhosts/{VirtualHostSegment}", new { });
        await SendManagementAsync(HttpMethod.Put, $"api/permissions/{VirtualHostSegment}/{Uri.EscapeDataString(Username)}",
            new { configure = ".*", write = ".*", read = ".*" });
    }

    public async Task DisposeAsync()
    {
        if (_management is not null)
        {
            using var response = await _management.DeleteAsync($"api/vhosts/{VirtualHostSegment}");
            _management.Dispose();
        }

        if (_container is not null)
            await _container.DisposeAsync();
    }

    public ConnectionFactory CreateConnectionFactory() => new() { Uri = AmqpUri, ClientProvidedName = "proxe-tests" };

    /// <summary>
    /// The queue's ready messages and consumers right now (AMQP passive declare, not the management API's sampled stats);
    /// zeros when the queue does not exist.
    /// </summary>
    public async Task<(uint Messages, uint Consumers)> GetQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var connection = await CreateConnectionFactory().CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return (0, 0);
        }
    }

    public async Task<uint> GetQueueDepthAsync(string queue) => (await GetQueueAsync(queue)).Messages;

    public async Task<uint> GetConsumerCountAsync(string queue) => (await GetQueueAsync(queue)).Consumers;

    /// <summary>
    /// Removes the queue's consumers at the broker without a word to their channels: the client goes on believing it
    /// consumes, as MassTransit's endpoints sometimes do after a broker restart. Runs rabbitmqctl eval, through the
    /// command in PROXE_TEST_RABBITMQCTL (./test.sh sets deploy/local/rabbitmqctl.sh) or in the test container. The
    /// expression uses RabbitMQ 3.10's internal calls for classic queues (the queue process's consumers and basic_cancel).
    /// </summary>
    public async Task DropConsumersSilentlyAsync(string queue)
    {
        var expression = $$"""
            {ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<"{{VirtualHost}}">>, queue, <<"{{queue}}">>)),
            QPid = amqqueue:get_pid(Q),
            [gen_server2:call(QPid, {basic_cancel, element(1, C), element(2, C), undefined, <<"proxe-tests">>}, infinity)
             || C <- gen_server2:call(QPid, consumers, infinity)],
            length(gen_server2:call(QPid, consumers, infinity)).
            """;
        var output = (await RabbitMqCtlAsync("eval", expression)).Trim();
        if (output != "0")
            throw new InvalidOperationException($"rabbitmqctl eval left consumers on '{queue}': {output}");
    }

    private async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        if (_container is not null)
        {
            var result = await _container.ExecAsync(["rabbitmqctl", .. arguments]);
            return result.ExitCode == 0
                ? result.Stdout
                : throw new InvalidOperationException($"rabbitmqctl {arguments[0]} failed ({result.ExitCode}): {result.Stderr}");
        }
        var command = Environment.GetEnvironmentVariable(CtlVariable);
        if (string.IsNullOrWhiteSpace(command))
            throw new InvalidOperationException($"{CtlVariable} is not set: run ./test.sh, or set it to a rabbitmqctl for the broker of {ConnectionVariable}.");
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {arguments[0]} did not finish within a minute.");
        }
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{command} {arguments[0]} failed ({process.ExitCode}): {await stderr}");
    }

    /// <summary>Polls until the queue holds at least <paramref name="atLeast"/> messages; fails the test on timeout.</summary>
    public Task<uint> WaitForQueueDepthAsync(string queue, uint atLeast, TimeSpan? timeout = null) =>
        Poll.ForAsync($"queue '{queue}' in vhost '{VirtualHost}' holds at least {atLeast} message(s)",
            () => GetQueueDepthAsync(queue), depth => depth >= atLeast, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>
    /// Reads up to <paramref name="count"/> messages through the management API and puts them back
    /// (ackmode ack_requeue_true), so a test can look at an _error queue without emptying it.
    /// </summary>
    public async Task<IReadOnlyList<QueuedMessage>> PeekMessagesAsync(string queue, int count = 1)
    {
        using var response = await SendManagementAsync(HttpMethod.Post, $"api/queues/{VirtualHostSegment}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 1_000_000 });
        var messages = await response.Content.ReadFromJsonAsync<List<ManagementMessage>>();
        return (messages ?? []).Select(m => new QueuedMessage(
            m.Exchange,
            m.RoutingKey,
            m.PayloadEncoding == "base64" ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Payload)) : m.Payload,
            HeadersOf(m.Properties),
            m.Redelivered)).ToList();
    }

    private string VirtualHostSegment => Uri.EscapeDataString(VirtualHost);

    private async Task<HttpResponseMessage> SendManagementAsync(HttpMethod method, string path, object body)
    {
        HttpResponseMessage response;
        try
        {
            response = await Management.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException(
                $"RabbitMQ management API at {ManagementUri} is unreachable (set {ManagementVariable} when it is not on port {ManagementPort}, or run ./test.sh).", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"RabbitMQ management API {method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return response;
    }

    private static async Task<RabbitMqContainer> StartContainerAsync()
    {
        try
        {
            var container = new RabbitMqBuilder("rabbitmq:3.10-management").WithPortBinding(ManagementPort, true).Build();
            await container.StartAsync();
            return container;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                "No RabbitMQ for the tests: run ./test.sh, which starts a local RabbitMQ and sets " +
                $"{ConnectionVariable}, or set {ConnectionVariable}=amqp://user:password@host:5672/ yourself. " +
                $"({ConnectionVariable} is not set and Testcontainers could not start a container: {ex.Message})", ex);
        }
    }

    private sealed record ManagementMessage(
        [property: JsonPropertyName("exchange")] string Exchange,
        [property: JsonPropertyName("routing_key")] string RoutingKey,
        [property: JsonPropertyName("payload")] string Payload,
        [property: JsonPropertyName("payload_encoding")] string PayloadEncoding,
        [property: JsonPropertyName("redelivered")] bool Redelivered,
        [property: JsonPropertyName("properties")] JsonElement Properties);

    // The management API renders a message without properties as [] rather than {}.
    private static Dictionary<string, JsonElement> HeadersOf(JsonElement properties) =>
        properties.ValueKind == JsonValueKind.Object
        && properties.TryGetProperty("headers", out var headers)
        && headers.ValueKind == JsonValueKind.Object
            ? headers.EnumerateObject().ToDictionary(h => h.Name, h => h.Value.Clone())
            : [];
}

/// <summary>A message read from a queue: MassTransit's fault headers (MT-Fault-Message, MT-Reason...) are in <see cref="Headers"/>.</summary>
public sealed record QueuedMessage(
    string Exchange,
    string RoutingKey,
    string Payload,
    IReadOnlyDictionary<string, JsonElement> Headers,
    bool Redelivered);
