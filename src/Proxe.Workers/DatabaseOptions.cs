namespace Proxe.Workers;

/// <summary>Bound from "Proxe:Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Proxe:Database";

    /// <summary>Apply pending migrations before the bus starts (local runs; clusters run `proxe migrate` as a job).</summary>
    public bool MigrateOnStartup { get; init; }
}
