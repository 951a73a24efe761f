namespace Proxe.Gateway.Publishing;

/// <summary>
/// The gateway accepted data it cannot serialize: a gap in the input contract, so a bug. The request answers 500,
/// nothing of it is published, and the circuit breaker (which is for broker faults) does not hear of it.
/// </summary>
public sealed class InteractionNotSerializableException(Exception inner)
    : Exception("An accepted interaction cannot be serialized; the input contract should have refused it.", inner);
