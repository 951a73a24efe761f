namespace Proxe.Cli.Dlq;

/// <summary>MassTransit moves a message that failed in queue q to q_error.</summary>
public static class ErrorQueues
{
    public const string Suffix = "_error";

    public static bool IsErrorQueue(string queue) => queue.Length > Suffix.Length && queue.EndsWith(Suffix, StringComparison.Ordinal);

    public static string BaseQueueOf(string errorQueue) =>
        IsErrorQueue(errorQueue) ? errorQueue[..^Suffix.Length] : throw new ArgumentException($"'{errorQueue}' is not an {Suffix} queue.", nameof(errorQueue));
}
