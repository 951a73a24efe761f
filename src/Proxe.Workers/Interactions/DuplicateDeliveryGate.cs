using System.Collections.Concurrent;
using MassTransit;

namespace Proxe.Workers.Interactions;

/// <summary>
/// Lets one delivery of a message id in at a time: a redelivery that arrives while the first is still being recorded
/// waits for it. MassTransit's batch holds its messages by message id and cannot take the same one twice.
/// </summary>
public sealed class DuplicateDeliveryGate : IFilter<ConsumeContext>
{
    readonly ConcurrentDictionary<Guid, Task> _inFlight = new();

    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        if (context.MessageId is not { } messageId)
        {
            await next.Send(context);
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(messageId, done.Task))
            if (_inFlight.TryGetValue(messageId, out var first))
                await first.WaitAsync(context.CancellationToken);
        try
        {
            await next.Send(context);
        }
        finally
        {
            _inFlight.TryRemove(messageId, out _);
            done.SetResult();
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("duplicate-delivery-gate");
}
