using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Proxe.Contracts;
using Proxe.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Bench.Faults;

public sealed record QueueState(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("messages")] long Messages,
    [property: JsonPropertyName("consumers")] int Consumers)
{
    public bool IsDeadLetter => Name.EndsWith("_error", StringComparison.Ordinal) || Name.EndsWith("_skipped", StringComparison.Ordinal);
}

sealed record Binding(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("destination_type")] string DestinationType,
    [property: JsonPropertyName("routing_key")] string RoutingKey,
    [property: JsonPropertyName("properties_key")] string PropertiesKey);

/// <summary>
/// The fault stack's RabbitMQ: queues and consumers, and the vhost PROXe uses. The management API's figures are
/// statistics emitted every 5 s (and empty for a moment after a restart), so counts and consumers are read exactly
/// with a passive queue.declare over AMQP, and the management API adds only what that cannot see (unacknowledged
/// messages) and the queue names.
/// </summary>
public sealed class Broker(int managementPort, int amqpPort, string vhost) : IAsyncDisposable
{
    /// <summary>Where interactions wait for the workers: the gateway's messages, and each channel's single interactions.</summary>
    public static readonly IReadOnlyList<string> InteractionQueues = [MessagingTopology.InteractionsQueue, .. Channels.All.Select(MessagingTopology.QueueFor)];

    /// <summary>The receive endpoints the workers must always consume from.</summary>
    public static readonly IReadOnlyList<string> EndpointQueues = [.. InteractionQueues, MessagingTopology.LeadJourneyQueue];

    readonly HttpClient _http = CreateClient(managementPort);
    readonly string _vhost = Uri.EscapeDataString(vhost);

    static HttpClient CreateClient(int port)
    {
        // The management API closes a connection idle for 60 s (Cowboy's idle_timeout): a request sent on it just then
        // fails (the backlog fault holds the interactions for exactly 60 s between two calls). Pooled connections are dropped first.
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20) };
        var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return http;
    }

    /// <summary>A fresh vhost for the run: nothing left over from an earlier run can be counted.</summary>
    public async Task ResetVhostAsync(CancellationToken cancellationToken)
    {
        using var deleted = await _http.DeleteAsync($"vhosts/{_vhost}", cancellationToken);
        if (deleted.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
            deleted.EnsureSuccessStatusCode();
        (await _http.PutAsync($"vhosts/{_vhost}", null, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"permissions/{_vhost}/guest", new { configure = ".*", write = ".*", read = ".*" }, cancellationToken))
            .EnsureSuccessStatusCode();
    }

    public async Task<bool> IsUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("overview", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The vhost's queues, or null while the management API does not answer (broker down or starting).</summary>
    public async Task<IReadOnlyList<QueueState>?> QueuesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetFromJsonAsync<List<QueueState>>($"queues/{_vhost}?columns=name,messages,consumers", cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Messages in the _error and _skipped queues.</summary>
    public static long DeadLettered(IReadOnlyList<QueueState> queues) => queues.Where(q => q.IsDeadLetter).Sum(q => q.Messages);

    /// <summary>Messages waiting or in flight in the endpoints' own queues.</summary>
    public static long Pending(IReadOnlyList<QueueState> queues) => queues.Where(q => !q.IsDeadLetter).Sum(q => q.Messages);

    /// <summary>
    /// Holds the gateway's messages back as if the interactions queue's consumers had stopped: they go to a side queue
    /// instead (binding the side queue first, so nothing routed in between is dropped; a message routed to both is a
    /// redelivery, which the workers must shrug off).
    /// </summary>
    public async Task<InteractionsHold> HoldAsync(CancellationToken cancellationToken)
    {
        var queue = MessagingTopology.InteractionsQueue;
        var bindings = await _http.GetFromJsonAsync<List<Binding>>($"bindings/{_vhost}", cancellationToken) ?? [];
        // The exchange of what the gateway publishes fans out to the endpoint's exchange (MassTransit) or to its queue.
        var route = bindings.FirstOrDefault(b => b.Source.EndsWith($":{nameof(InteractionsReceived)}", StringComparison.Ordinal) && b.Destination == queue)
            ?? throw new InvalidOperationException($"No binding of {nameof(InteractionsReceived)} to {queue}: {string.Join("; ", bindings.Select(b => $"{b.Source}->{b.Destination}:{b.RoutingKey}"))}");

        var hold = new InteractionsHold("faults-held-interactions", route.Source, route.Destination, route.DestinationType == "exchange" ? "e" : "q");
        (await _http.PutAsJsonAsync($"queues/{_vhost}/{hold.HoldQueue}", new { durable = true }, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.PostAsJsonAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/q/{hold.HoldQueue}",
            new { routing_key = "" }, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.DeleteAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/{hold.DestinationKind}/{Uri.EscapeDataString(hold.Destination)}/{Uri.EscapeDataString(route.PropertiesKey)}",
            cancellationToken)).EnsureSuccessStatusCode();
        return hold;
    }

    /// <summary>
    /// Routes the gateway's messages to the endpoint again, then moves what was held into the interactions queue with a
    /// shovel that deletes itself when done; returns how many messages were held.
    /// </summary>
    public async Task<long> ReleaseAsync(InteractionsHold hold, CancellationToken cancellationToken)
    {
        (await _http.PostAsJsonAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/{hold.DestinationKind}/{Uri.EscapeDataString(hold.Destination)}",
            new { routing_key = "" }, cancellationToken)).EnsureSuccessStatusCode();
        // A binding's properties key is its routing key, "~" when that is empty.
        (await _http.DeleteAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/q/{hold.HoldQueue}/~", cancellationToken))
            .EnsureSuccessStatusCode();

        // Nothing consumes the side queue, so its ready count is all it holds.
        var held = await ReadyAsync(hold.HoldQueue, cancellationToken);
        var uri = $"amqp:///{_vhost}"; // this node, this vhost
        var shovel = new
        {
            value = new Dictionary<string, object>
            {
                ["src-protocol"] = "amqp091", ["src-uri"] = uri, ["src-queue"] = hold.HoldQueue, ["src-delete-after"] = "queue-length",
                ["dest-protocol"] = "amqp091", ["dest-uri"] = uri, ["dest-queue"] = MessagingTopology.InteractionsQueue,
                ["ack-mode"] = "on-confirm",
            },
        };
        var name = Uri.EscapeDataString("faults-release-interactions");
        (await _http.PutAsync($"parameters/shovel/{_vhost}/{name}",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(shovel), Encoding.UTF8, "application/json"), cancellationToken)).EnsureSuccessStatusCode();

        // The shovel deletes itself once it has moved (and had confirmed) the queue's length.
        var until = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTimeOffset.UtcNow < until)
        {
            using var response = await _http.GetAsync($"parameters/shovel/{_vhost}/{name}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound && await ReadyAsync(hold.HoldQueue, cancellationToken) == 0)
                break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        // if-empty: the broker refuses to delete a queue that still holds anything.
        using var deleted = await _http.DeleteAsync($"queues/{_vhost}/{hold.HoldQueue}?if-empty=true", cancellationToken);
        if (!deleted.IsSuccessStatusCode)
            throw new InvalidOperationException($"{hold.HoldQueue} is not empty after the release ({(int)deleted.StatusCode}); it is left in place.");
        return held;
    }

    IConnection? _connection;

    /// <summary>
    /// Every queue of the vhost (plus the endpoints' own, which must exist), with messages = max(exact ready count,
    /// the management API's ready + unacknowledged) and the exact consumer count; null while the broker is unreachable.
    /// </summary>
    public async Task<IReadOnlyList<QueueState>?> ExactQueuesAsync(CancellationToken cancellationToken)
    {
        var statistics = await QueuesAsync(cancellationToken);
        if (statistics is null)
            return null;
        var names = statistics.Select(q => q.Name).Concat(EndpointQueues).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            if (_connection is not { IsOpen: true })
            {
                if (_connection is not null)
                    await _connection.DisposeAsync();
                _connection = null;
                var factory = new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/{_vhost}"), AutomaticRecoveryEnabled = false };
                _connection = await factory.CreateConnectionAsync("proxe-bench-faults", cancellationToken);
            }
            var result = new List<QueueState>();
            IChannel? channel = null;
            try
            {
                foreach (var name in names)
                {
                    channel ??= await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    try
                    {
                        var declared = await channel.QueueDeclarePassiveAsync(name, cancellationToken);
                        var seen = statistics.FirstOrDefault(q => q.Name == name)?.Messages ?? 0;
                        result.Add(new QueueState(name, Math.Max(declared.MessageCount, seen), (int)declared.ConsumerCount));
                    }
                    catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
                    {
                        // The queue does not exist (an endpoint never declared it): no consumer, nothing queued.
                        result.Add(new QueueState(name, 0, 0));
                        await channel.DisposeAsync();
                        channel = null;
                    }
                }
            }
            finally
            {
                if (channel is not null)
                    await channel.DisposeAsync();
            }
            return result;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException
                                       && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Exact ready count of one queue (passive queue.declare).</summary>
    async Task<long> ReadyAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/{_vhost}") }
            .CreateConnectionAsync("proxe-bench-faults-hold", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_connection is not null)
            await _connection.DisposeAsync();
    }
}

public sealed record InteractionsHold(string HoldQueue, string Exchange, string Destination, string DestinationKind);
