namespace Proxe.Database.Entities;

/// <summary>A row of schema_migrations: one applied migration file, written by <see cref="MigrationRunner"/>.</summary>
public sealed class SchemaMigration
{
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public string Checksum { get; set; } = "";
    public DateTime AppliedAt { get; set; }
    public int ExecutionMs { get; set; }
}
