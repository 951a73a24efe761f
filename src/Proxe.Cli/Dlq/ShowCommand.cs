using Proxe.Domain;
using System.CommandLine;

namespace Proxe.Cli.Dlq;

public static class ShowCommand
{
    private const int BodyLength = 2000;

    public static Command Create()
    {
        var queueArgument = new Argument<string>("queue") { Description = "The queue to look into, e.g. web-interactions_error." };
        var countOption = new Option<int>("--count", "-n") { Description = "How many messages, from the head of the queue.", DefaultValueFactory = _ => 10 };
        countOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--count must be at least 1.");
        });

        var command = new Command("show", "Print the first messages of a queue with their fault headers, leaving every message in place.")
        {
            queueArgument,
            countOption,
        };

        DlqCommand.SetAction(command, async (broker, parseResult, output, cancellationToken) =>
        {
            var queue = parseResult.GetRequiredValue(queueArgument);
            var count = parseResult.GetValue(countOption);

            await using var connection = await broker.ConnectAsync(cancellationToken);
            var depth = await Broker.InspectAsync(connection, queue, cancellationToken)
                ?? throw new CliException($"Queue '{queue}' does not exist in virtual host '{broker.VirtualHost}'.");

            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var messages = new List<DeadLetter>();
            try
            {
                while (messages.Count < count && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } result)
                    messages.Add(new DeadLetter(result));
            }
            finally
            {
                // Returned unacknowledged messages go back to their original positions; the broker also
                // returns them by itself if we die before this line.
                if (messages.Count > 0 && channel.IsOpen)
                    await channel.BasicNackAsync(messages[^1].DeliveryTag, multiple: true, requeue: true, CancellationToken.None);
            }

            await output.WriteLineAsync($"{queue}: showing {messages.Count} of {depth.MessageCount} message(s), all left in place.");
            for (var i = 0; i < messages.Count; i++)
                await WriteAsync(output, i + 1, messages[i]);

            return ExitCodes.Success;
        });

        return command;
    }

    private static async Task WriteAsync(TextWriter output, int position, DeadLetter message)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync($"#{position}  message id   {message.MessageId}");
        await Line("message type", message.MessageType);
        await Line("exception", Masked(message.Header("MT-Fault-ExceptionType")));
        await Line("fault", Masked(message.Header("MT-Fault-Message")) ?? Masked(message.Header(DeadLetter.Reason)));
        await Line("thrown", Masked(FirstLine(message.Header("MT-Fault-StackTrace"))));
        await Line("failed at", message.Header("MT-Fault-Timestamp"));
        await Line("consumer", message.Header("MT-Fault-ConsumerType"));
        await Line("retries", message.Header("MT-Fault-RetryCount"));
        await Line("host", Host(message));
        await Line("failed in", message.Header("MT-Fault-InputAddress"));
        await Line("sent to", message.DestinationAddress);
        await Line("replays", message.Replays > 0 ? message.Replays.ToString() : null);

        var body = PiiMasker.Body(message.Body.Span);
        await Line("body", body.Length > BodyLength ? $"{Text.Truncate(body, BodyLength + Text.Ellipsis.Length)} ({body.Length} chars)" : body);

        Task Line(string label, string? value) =>
            value is null ? Task.CompletedTask : output.WriteLineAsync($"    {label,-12} {value}");
    }

    private static string? Host(DeadLetter message)
    {
        var machine = message.Header(DeadLetter.HostPrefix + "MachineName");
        var process = message.Header(DeadLetter.HostPrefix + "ProcessName");
        var pid = message.Header(DeadLetter.HostPrefix + "ProcessId");
        return (machine, process) switch
        {
            (null, null) => null,
            _ => $"{machine ?? "?"} ({process ?? "?"}{(pid is null ? "" : $", pid {pid}")})",
        };
    }

    private static string? Masked(string? text) => text is null ? null : PiiMasker.Scrub(text);

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim();
}
