using System.CommandLine;

namespace Proxe.Cli;

/// <summary>Options every database command shares; the default follows the services' ConnectionStrings:Proxe.</summary>
public static class ConnectionOptions
{
    public const string EnvironmentVariable = "ConnectionStrings__Proxe";

    public static Option<string> Database() => new("--connection-string", "-c")
    {
        Description = $"Npgsql connection string of the PROXe database (default: ${EnvironmentVariable}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariable) ?? string.Empty,
    };
}
