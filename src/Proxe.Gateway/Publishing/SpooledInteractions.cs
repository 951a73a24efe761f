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
