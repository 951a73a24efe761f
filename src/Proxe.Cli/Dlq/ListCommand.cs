using System.CommandLine;

namespace Proxe.Cli.Dlq;

public static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "Every *_error queue of the virtual host with its message count.");
        DlqCommand.SetAction(command, async (broker, _, output, cancellationToken) =>
        {
            var names = (await ManagementApi.QueueNamesAsync(broker, cancellationToken))
                .Where(ErrorQueues.IsErrorQueue)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (names.Count == 0)
            {
                await output.WriteLineAsync($"No *{ErrorQueues.Suffix} queues in virtual host '{broker.VirtualHost}'.");
                return ExitCodes.Success;
            }

            await using var connection = await broker.ConnectAsync(cancellationToken);
            var rows = new List<(string Queue, uint Messages, uint Consumers)>();
            foreach (var name in names)
            {
                // Deleted between the listing and now: nothing to show.
                if (await Broker.InspectAsync(connection, name, cancellationToken) is { } queue)
                    rows.Add((name, queue.MessageCount, queue.ConsumerCount));
            }

            var width = rows.Select(r => r.Queue.Length).Append("QUEUE".Length).Max();
            await output.WriteLineAsync($"{"QUEUE".PadRight(width)}  {"MESSAGES",8}  {"CONSUMERS",9}");
            foreach (var (queue, messages, consumers) in rows)
                await output.WriteLineAsync($"{queue.PadRight(width)}  {messages,8}  {consumers,9}");

            await output.WriteLineAsync(
                $"{rows.Count} error queue(s), {rows.Sum(r => (long)r.Messages)} message(s) in virtual host '{broker.VirtualHost}'.");
            return ExitCodes.Success;
        });

        return command;
    }
}
