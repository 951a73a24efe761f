extern alias workers;

using System.Collections.Concurrent;
using MassTransit;
using Npgsql;
using Proxe.Contracts;
using workers::Proxe.Workers.Interactions;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Watches the workers from inside their process: how often each interaction was committed, and which
/// LeadInteractionRecorded events the journey has finished with. It can also simulate a crash between a channel
/// worker's commit and its publish, through the workers' <see cref="IInteractionCommitObserver"/> hook.
/// </summary>
public sealed class WorkerProbe : IInteractionCommitObserver, IConsumeObserver
{
    readonly ConcurrentDictionary<Guid, int> _commits = new();
    readonly ConcurrentDictionary<Guid, int> _journeyHandled = new();
    readonly ConcurrentDictionary<Guid, byte> _crashArmed = new();

    public int Commits(Guid interactionId) => _commits.GetValueOrDefault(interactionId);

    /// <summary>LeadInteractionRecorded events of this interaction the journey consumed without a fault (its transaction committed).</summary>
    public int JourneyHandled(Guid interactionId) => _journeyHandled.GetValueOrDefault(interactionId);

    /// <summary>The next commit of this interaction throws, as if the process died before publishing.</summary>
    public void CrashAfterNextCommit(Guid interactionId) => _crashArmed[interactionId] = 0;

    public Task CommittedAsync(ChannelInteractionReceived interaction, Guid leadId, CancellationToken cancellationToken)
    {
        _commits.AddOrUpdate(interaction.InteractionId, 1, (_, count) => count + 1);
        if (_crashArmed.TryRemove(interaction.InteractionId, out _))
            // Transient, so the endpoint delivers it again, as the broker would after a real crash.
            throw new PostgresException("simulated crash between commit and publish", "FATAL", "FATAL", "40001");
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is LeadInteractionRecorded recorded)
            _journeyHandled.AddOrUpdate(recorded.InteractionId, 1, (_, count) => count + 1);
        if (context.Message is InteractionBatchRecorded batch)
            foreach (var interaction in batch.Leads.SelectMany(lead => lead.Interactions))
                _journeyHandled.AddOrUpdate(interaction.InteractionId, 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
