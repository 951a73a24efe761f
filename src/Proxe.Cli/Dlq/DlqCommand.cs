using System.CommandLine;

namespace Proxe.Cli.Dlq;

/// <summary><c>proxe dlq list|show|replay</c>: the error queues MassTransit fills when a message keeps failing.</summary>
public static class DlqCommand
{
    public static Command Create() => new("dlq", "Inspect and replay dead-letter (*_error) queues.")
    {
        ListCommand.Create(),
        ShowCommand.Create(),
        ReplayCommand.Create(),
    };

    /// <summary>Adds the connection options to a subcommand and runs its work with a broker, turning explained failures into exit codes.</summary>
    internal static void SetAction(Command command, Func<Broker, ParseResult, TextWriter, CancellationToken, Task<int>> action)
    {
        var amqp = Broker.AmqpOption();
        var management = Broker.ManagementOption();
        command.Options.Add(amqp);
        command.Options.Add(management);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var broker = Broker.From(parseResult.GetValue(amqp), parseResult.GetValue(management));
                return await action(broker, parseResult, output, cancellationToken);
            }
            catch (CliException e)
            {
                await error.WriteLineAsync(e.Message);
                return e.ExitCode;
            }
        });
    }
}
