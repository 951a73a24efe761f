using System.Runtime.ExceptionServices;
using MassTransit;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Workers.Persistence;

public enum FailureKind
{
    /// <summary>The message fails on its own (bad data, a bug): a few tries, then the _error queue.</summary>
    Message,

    /// <summary>A race a fresh transaction resolves: serialization failure, deadlock, unique violation, journey version conflict.</summary>
    Race,

    /// <summary>PostgreSQL or RabbitMQ is away: waited out, never dead-lettered.</summary>
    Infrastructure,

    /// <summary>A batch already split down to its culprits: dead-letter those now, the rest is recorded.</summary>
    Isolated,
}

/// <summary>The one home of "is this failure the message's fault?".</summary>
public static class Failures
{
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";
    public const string UniqueViolation = "23505";

    public static FailureKind Classify(Exception exception) => exception switch
    {
        MessagesRefusedException => FailureKind.Isolated,
        PostgresException postgres => Classify(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient ? FailureKind.Infrastructure : ClassifyInner(npgsql),
        ConcurrencyException => FailureKind.Race,
        TimeoutException or OperationCanceledException => FailureKind.Infrastructure,
        ConnectionException or BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException => FailureKind.Infrastructure,
        System.Net.Sockets.SocketException or IOException => FailureKind.Infrastructure,
        _ => ClassifyInner(exception),
    };

    /// <summary>
    /// Connection failures (class 08), exhausted resources (53), shutdown and startup (57P01-57P03), and a statement
    /// cancelled by a timeout (57014) are the server's state, not the message's.
    /// </summary>
    public static FailureKind Classify(string sqlState) => sqlState switch
    {
        SerializationFailure or DeadlockDetected or UniqueViolation => FailureKind.Race,
        "57P01" or "57P02" or "57P03" or "57014" => FailureKind.Infrastructure,
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) => FailureKind.Infrastructure,
        _ => FailureKind.Message,
    };

    public static bool IsInfrastructure(Exception exception) => Classify(exception) == FailureKind.Infrastructure;

    /// <summary>
    /// Awaits work done side by side; when several fail, rethrows the most transient failure (an outage before a race
    /// before the message's own), so one part's bad data cannot send the whole to _error while another waits out an outage.
    /// </summary>
    public static async Task<T[]> WhenAllAsync<T>(IReadOnlyCollection<Task<T>> tasks)
    {
        var all = Task.WhenAll(tasks);
        try
        {
            return await all;
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } failures)
        {
            ExceptionDispatchInfo.Throw(failures.InnerExceptions.MaxBy(exception => Classify(exception) switch
            {
                FailureKind.Infrastructure => 2,
                FailureKind.Race => 1,
                _ => 0,
            })!);
            throw;
        }
    }

    static FailureKind ClassifyInner(Exception exception) =>
        exception.InnerException is { } inner ? Classify(inner) : FailureKind.Message;
}

/// <summary>
/// Thrown by a batch consumer after it took every message of its batch but the culprits, which failed on their own:
/// the endpoint's error pipe dead-letters only those, with their own exception.
/// </summary>
public sealed class MessagesRefusedException(IReadOnlyDictionary<Guid, Exception> culprits)
    : Exception($"{culprits.Count} message(s) of the batch were refused: {string.Join(", ", culprits.Keys)}")
{
    /// <summary>By message id (for an interaction, the interaction id).</summary>
    public IReadOnlyDictionary<Guid, Exception> Culprits { get; } = culprits;

    /// <summary>Throws for the culprits among <paramref name="deliveries"/>, if any.</summary>
    public static void ThrowFor<T>(IEnumerable<ConsumeContext<T>> deliveries, Func<ConsumeContext<T>, Exception?> culprit) where T : class
    {
        var culprits = deliveries
            .Select(delivery => (Id: delivery.MessageId ?? Guid.Empty, Exception: culprit(delivery)))
            .Where(delivery => delivery.Exception is not null)
            .DistinctBy(delivery => delivery.Id)
            .ToDictionary(delivery => delivery.Id, delivery => delivery.Exception!);
        if (culprits.Count > 0)
            throw new MessagesRefusedException(culprits);
    }
}
