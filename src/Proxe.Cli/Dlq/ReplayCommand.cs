using System.CommandLine;
using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Cli.Dlq;

/// <summary>
/// Moves messages from q_error back to q, one at a time: publish (confirmed by the broker), then acknowledge
/// the error-queue copy. Interrupted anywhere, a message is in one queue or both (the workers are idempotent),
/// never in neither.
/// </summary>
public static class ReplayCommand
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var queueArgument = new Argument<string>("queue") { Description = "The error queue to empty, e.g. web-interactions_error; messages go back to web-interactions." };
        var countOption = new Option<int?>("--count", "-n") { Description = "Replay only the first N messages (default: all present when the replay starts)." };
        countOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() < 1)
                result.AddError("--count must be at least 1.");
        });
        var dryRunOption = new Option<bool>("--dry-run") { Description = "Check the queues and report what would be replayed; move nothing." };

        var command = new Command("replay", "Move messages from a *_error queue back to the queue they failed in, without losing any.")
        {
            queueArgument,
            countOption,
            dryRunOption,
        };

        DlqCommand.SetAction(command, async (broker, parseResult, output, cancellationToken) =>
        {
            var errorQueue = parseResult.GetRequiredValue(queueArgument);
            if (!ErrorQueues.IsErrorQueue(errorQueue))
                throw new CliException($"Only *{ErrorQueues.Suffix} queues can be replayed, and '{errorQueue}' is not one; nothing was moved.", ExitCodes.Usage);

            var target = ErrorQueues.BaseQueueOf(errorQueue);
            await using var connection = await broker.ConnectAsync(cancellationToken);
            var source = await Broker.InspectAsync(connection, errorQueue, cancellationToken)
                ?? throw new CliException($"Queue '{errorQueue}' does not exist in virtual host '{broker.VirtualHost}'; nothing was moved.");
            if (await Broker.InspectAsync(connection, target, cancellationToken) is null)
                throw new CliException(
                    $"Queue '{target}' does not exist in virtual host '{broker.VirtualHost}', so '{errorQueue}' has nowhere to go; nothing was moved. " +
                    "Start the service that consumes it (it declares the queue), then replay.");

            // Only what is there now: a message that fails again comes back to the error queue and must not loop.
            var total = (int)Math.Min(parseResult.GetValue(countOption) ?? int.MaxValue, source.MessageCount);
            if (parseResult.GetValue(dryRunOption))
            {
                await output.WriteLineAsync($"Dry run: would replay {total} of {source.MessageCount} message(s) from '{errorQueue}' to '{target}'. Nothing was moved.");
                return ExitCodes.Success;
            }

            var replayed = await ReplayAsync(connection, errorQueue, target, total, output, cancellationToken);
            await output.WriteLineAsync($"Replayed {replayed} message(s) from '{errorQueue}' to '{target}'.");
            return ExitCodes.Success;
        });

        return command;
    }

    private static async Task<int> ReplayAsync(IConnection connection, string errorQueue, string target, int total, TextWriter output, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var progress = Stopwatch.StartNew();
        var replayed = 0;
        try
        {
            while (replayed < total)
            {
                if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } result)
                    break; // emptied by someone else meanwhile

                var message = new DeadLetter(result);
                try
                {
                    // mandatory: if the queue vanished since the check, the broker returns the message instead of dropping it.
                    await channel.BasicPublishAsync("", target, mandatory: true, message.ForReplay(errorQueue, DateTimeOffset.UtcNow), message.Body, cancellationToken);
                }
                catch (PublishException e)
                {
                    await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                    var why = e is PublishReturnException returned
                        ? $"returned it ({returned.ReplyCode} {returned.ReplyText})"
                        : $"refused it (nack; is '{target}' full, e.g. x-max-length with reject-publish?)";
                    throw new CliException(
                        $"Stopped after {replayed}/{total}: the broker {why} for message {message.MessageId}. " +
                        $"It is still in '{errorQueue}', nothing was lost; fix the cause and replay again.");
                }

                // Interrupted between publish and ack, the message ends up in both queues: harmless, the workers are idempotent.
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, CancellationToken.None);
                replayed++;

                if (progress.Elapsed >= ProgressInterval)
                {
                    await output.WriteLineAsync($"replayed {replayed}/{total}");
                    progress.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                $"Interrupted after {replayed}/{total}. The message in flight, if any, stays in '{errorQueue}' (and may also have reached '{target}'); nothing was lost.",
                ExitCodes.Interrupted);
        }
        catch (OperationInterruptedException e) // AlreadyClosedException included
        {
            throw new CliException(
                $"Stopped after {replayed}/{total}: the broker closed the channel ({e.Message}). " +
                $"The message in flight went back to '{errorQueue}'; nothing was lost.");
        }

        return replayed;
    }
}
