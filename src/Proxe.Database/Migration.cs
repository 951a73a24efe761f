using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Proxe.Database;

/// <summary>One file of deploy/db/migrations, named NNN_name.sql; files apply in order of their number.</summary>
public sealed partial record Migration
{
    private Migration(string name, int version, string sql)
    {
        Name = name;
        Version = version;
        Sql = sql;
        Checksum = ComputeChecksum(sql);
    }

    public string Name { get; }
    public int Version { get; }
    public string Sql { get; }

    /// <summary>SHA-256 of the text with LF line endings, so a CRLF checkout is not an edit.</summary>
    public string Checksum { get; }

    public static Migration Create(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException($"Migration file name '{fileName}' does not match NNN_name.sql.");
        }

        return new Migration(fileName, int.Parse(match.Groups["version"].Value), sql);
    }

    /// <summary>The migrations compiled into this assembly (resources "migrations/NNN_name.sql"), in order.</summary>
    public static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(Migration).Assembly;
        return Ordered(assembly.GetManifestResourceNames()
            .Where(resource => resource.StartsWith("migrations/", StringComparison.Ordinal))
            .Select(resource => Create(resource["migrations/".Length..], Read(assembly, resource))));
    }

    /// <summary>The *.sql files of a folder, in order.</summary>
    public static IReadOnlyList<Migration> FromDirectory(string path) =>
        Ordered(Directory.EnumerateFiles(path, "*.sql")
            .Select(file => Create(Path.GetFileName(file), File.ReadAllText(file))));

    private static IReadOnlyList<Migration> Ordered(IEnumerable<Migration> migrations)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        var duplicate = ordered.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException(
                $"Several migration files share number {duplicate.Key:000}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return ordered;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string ComputeChecksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    [GeneratedRegex(@"^(?<version>\d{3,})_[A-Za-z0-9_]+\.sql$")]
    private static partial Regex FileNamePattern();
}
