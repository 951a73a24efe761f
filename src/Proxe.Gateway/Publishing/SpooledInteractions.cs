using System.Text.Json;
using MassTransit.Serialization;
using Proxe.Contracts;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// A request's interactions as one spool record: JSON with MassTransit's own serializer options, so what serializes here
/// serializes on the wire. Serializing first, before anything is sent, is also what keeps a request whose data cannot
/// be serialized from being half published.
/// </summary>
public static class SpooledInteractions
{
    public static byte[] Serialize(IReadOnlyList<ChannelInteractionReceived> interactions)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(interactions, SystemTextJsonMessageSerializer.Options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new InteractionNotSerializableException(ex);
        }
    }

    public static IReadOnlyList<ChannelInteractionReceived> Deserialize(byte[] payload) =>
        JsonSerializer.Deserialize<List<ChannelInteractionReceived>>(payload, SystemTextJsonMessageSerializer.Options)
            ?? throw new JsonException("A spool record holds no interactions.");
}

/// <summary>
/// The gateway accepted data it cannot serialize: a gap in the input contract, so a bug. The request answers 500,
/// nothing of it is published, and the circuit breaker (which is for broker faults) does not hear of it.
/// </summary>
public sealed class InteractionNotSerializableException(Exception inner)
    : Exception("An accepted interaction cannot be serialized; the input contract should have refused it.", inner);
