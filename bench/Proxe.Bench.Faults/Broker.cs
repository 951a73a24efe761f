using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Proxe.Contracts;
using Proxe.Messaging;

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

/// <summary>The fault stack's RabbitMQ as its management API shows it: queues, consumers, and the vhost PROXe uses.</summary>
public sealed class Broker(int managementPort, string vhost) : IDisposable
{
    /// <summary>The receive endpoints the workers must always consume from.</summary>
    public static readonly IReadOnlyList<string> EndpointQueues =
        [.. Channels.All.Select(MessagingTopology.QueueFor), MessagingTopology.LeadJourneyQueue];

    readonly HttpClient _http = CreateClient(managementPort);
    readonly string _vhost = Uri.EscapeDataString(vhost);

    static HttpClient CreateClient(int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/"), Timeout = TimeSpan.FromSeconds(10) };
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
    /// Holds a channel back as if its consumers had stopped: its messages go to a side queue instead of its endpoint
    /// queue (binding the side queue first, so nothing routed in between is dropped; a message routed to both is a
    /// redelivery, which the workers must shrug off).
    /// </summary>
    public async Task<ChannelHold> HoldAsync(string channel, CancellationToken cancellationToken)
    {
        var queue = MessagingTopology.QueueFor(channel);
        var bindings = await _http.GetFromJsonAsync<List<Binding>>($"bindings/{_vhost}", cancellationToken) ?? [];
        // The message type's exchange routes by channel, to the endpoint's exchange (MassTransit) or to its queue.
        var route = bindings.FirstOrDefault(b => b.RoutingKey == channel && b.Source.Length > 0 && (b.Destination == queue))
            ?? throw new InvalidOperationException($"No binding with routing key '{channel}' to {queue}: {string.Join("; ", bindings.Select(b => $"{b.Source}->{b.Destination}:{b.RoutingKey}"))}");

        var hold = new ChannelHold(channel, $"faults-held-{channel}", route.Source, route.Destination, route.DestinationType == "exchange" ? "e" : "q");
        (await _http.PutAsJsonAsync($"queues/{_vhost}/{hold.HoldQueue}", new { durable = true }, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.PostAsJsonAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/q/{hold.HoldQueue}",
            new { routing_key = channel }, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.DeleteAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/{hold.DestinationKind}/{Uri.EscapeDataString(hold.Destination)}/{Uri.EscapeDataString(route.PropertiesKey)}",
            cancellationToken)).EnsureSuccessStatusCode();
        return hold;
    }

    /// <summary>
    /// Routes the channel to its endpoint again, then moves what was held into the endpoint queue with a shovel that
    /// deletes itself when done; returns how many messages were held.
    /// </summary>
    public async Task<long> ReleaseAsync(ChannelHold hold, CancellationToken cancellationToken)
    {
        (await _http.PostAsJsonAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/{hold.DestinationKind}/{Uri.EscapeDataString(hold.Destination)}",
            new { routing_key = hold.Channel }, cancellationToken)).EnsureSuccessStatusCode();
        (await _http.DeleteAsync($"bindings/{_vhost}/e/{Uri.EscapeDataString(hold.Exchange)}/q/{hold.HoldQueue}/{Uri.EscapeDataString(hold.Channel)}", cancellationToken))
            .EnsureSuccessStatusCode();

        var held = (await QueuesAsync(cancellationToken))?.FirstOrDefault(q => q.Name == hold.HoldQueue)?.Messages ?? 0;
        var uri = $"amqp:///{_vhost}"; // this node, this vhost
        var shovel = new
        {
            value = new Dictionary<string, object>
            {
                ["src-protocol"] = "amqp091", ["src-uri"] = uri, ["src-queue"] = hold.HoldQueue, ["src-delete-after"] = "queue-length",
                ["dest-protocol"] = "amqp091", ["dest-uri"] = uri, ["dest-queue"] = MessagingTopology.QueueFor(hold.Channel),
                ["ack-mode"] = "on-confirm",
            },
        };
        var name = Uri.EscapeDataString($"faults-release-{hold.Channel}");
        (await _http.PutAsync($"parameters/shovel/{_vhost}/{name}",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(shovel), Encoding.UTF8, "application/json"), cancellationToken)).EnsureSuccessStatusCode();

        var until = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTimeOffset.UtcNow < until)
        {
            var left = (await QueuesAsync(cancellationToken))?.FirstOrDefault(q => q.Name == hold.HoldQueue)?.Messages;
            if (left == 0)
                break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        await _http.DeleteAsync($"parameters/shovel/{_vhost}/{name}", cancellationToken);
        var remaining = (await QueuesAsync(cancellationToken))?.FirstOrDefault(q => q.Name == hold.HoldQueue)?.Messages ?? 0;
        if (remaining > 0)
            throw new InvalidOperationException($"{remaining} messages are still in {hold.HoldQueue} after the release.");
        await _http.DeleteAsync($"queues/{_vhost}/{hold.HoldQueue}", cancellationToken);
        return held;
    }

    public void Dispose() => _http.Dispose();
}

public sealed record ChannelHold(string Channel, string HoldQueue, string Exchange, string Destination, string DestinationKind);
