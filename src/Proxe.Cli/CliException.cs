namespace Proxe.Cli;

/// <summary>A failure explained for the operator; the command prints the message and exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
