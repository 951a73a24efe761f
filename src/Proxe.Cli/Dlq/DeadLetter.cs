using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Proxe.Domain;
using RabbitMQ.Client;

namespace Proxe.Cli.Dlq;

/// <summary>A message taken (not yet acknowledged) from an error queue, with what MassTransit recorded about its failure.</summary>
public sealed class DeadLetter(BasicGetResult result)
{
    public const string FaultPrefix = "MT-Fault-";
    public const string HostPrefix = "MT-Host-";
    public const string Reason = "MT-Reason";
    public const string ReplayCount = "MT-Replay-Count";
    public const string ReplayedAt = "MT-Replay-Timestamp";
    public const string ReplayedFrom = "MT-Replay-From";

    private JsonElement? _envelope;
    private bool _parsed;

    public ulong DeliveryTag { get; } = result.DeliveryTag;

    public IReadOnlyBasicProperties Properties { get; } = result.BasicProperties;

    // The client may reuse the frame's buffer once we return to it.
    public ReadOnlyMemory<byte> Body { get; } = result.Body.ToArray();

    public string MessageId => Properties.MessageId ?? EnvelopeString("messageId") ?? "(none)";

    public string MessageType =>
        Header("MT-MessageType")
        ?? (Envelope is { } e && e.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array
            ? string.Join(", ", types.EnumerateArray().Select(t => t.GetString()))
            : null)
        ?? Properties.Type
        ?? "(unknown)";

    /// <summary>Where the message was sent or published before it failed (MassTransit's envelope).</summary>
    public string? DestinationAddress => EnvelopeString("destinationAddress");

    public int Replays => HeaderValue(ReplayCount) switch
    {
        int n => n,
        long n => (int)n,
        byte[] text when int.TryParse(Encoding.UTF8.GetString(text), out var n) => n,
        _ => 0,
    };

    public string? Header(string name) => HeaderValue(name) is { } value ? Format(value) : null;

    /// <summary>
    /// The same message for its original queue: same body and properties, persistent, MassTransit's fault
    /// headers dropped (a new failure writes fresh ones) except a trace of the last fault, and the replay counted.
    /// </summary>
    public BasicProperties ForReplay(string errorQueue, DateTimeOffset now)
    {
        var headers = new Dictionary<string, object?>();
        foreach (var (name, value) in Properties.Headers ?? new Dictionary<string, object?>())
        {
            if (!IsFaultHeader(name))
                headers[name] = value;
        }

        foreach (var kept in new[] { "ExceptionType", "Message", "Timestamp" })
        {
            if (HeaderValue(FaultPrefix + kept) is { } value)
                headers[$"MT-Replay-Fault-{kept}"] = value;
        }

        headers[ReplayCount] = Replays + 1;
        headers[ReplayedAt] = now.ToString("O", CultureInfo.InvariantCulture);
        headers[ReplayedFrom] = errorQueue;

        return new BasicProperties(Properties) { Headers = headers, DeliveryMode = DeliveryModes.Persistent };
    }

    public static bool IsFaultHeader(string name) =>
        name.StartsWith(FaultPrefix, StringComparison.OrdinalIgnoreCase)
        || name.StartsWith(HostPrefix, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Reason, StringComparison.OrdinalIgnoreCase);

    private object? HeaderValue(string name) =>
        Properties.Headers is { } headers && headers.TryGetValue(name, out var value) ? value : null;

    private static string Format(object value) => value switch
    {
        byte[] text => Encoding.UTF8.GetString(text),
        AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime).ToString("O", CultureInfo.InvariantCulture),
        IDictionary table => string.Join(", ", table.Keys.Cast<object>().Select(k => $"{k}={(table[k] is { } v ? Format(v) : "")}")),
        IEnumerable list and not string => string.Join(", ", list.Cast<object?>().Select(v => v is null ? "" : Format(v))),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private JsonElement? Envelope
    {
        get
        {
            if (_parsed)
                return _envelope;

            _parsed = true;
            try
            {
                using var document = JsonDocument.Parse(Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                    _envelope = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not a MassTransit envelope; headers and properties still tell what is known.
            }

            return _envelope;
        }
    }

    private string? EnvelopeString(string name) => JsonFields.Text(Envelope, name);
}
