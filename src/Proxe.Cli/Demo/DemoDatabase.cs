using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Database;

namespace Proxe.Cli.Demo;

/// <summary>A demo lead as unified_leads shows it.</summary>
public sealed record DemoLead(string Phone, string FirstTouchpoint, string LastTouchpoint, string? Name, IReadOnlyList<string> Channels,
    long Messages, DateTimeOffset? LastInteractionAt);

/// <summary>
/// Reads the demo's leads the way the dashboard does: in a transaction with proxe.brands set, so a login that takes
/// the proxe_reader role (row-level security) sees the brand's rows; a superuser sees them anyway.
/// </summary>
public sealed class DemoDatabase : IAsyncDisposable
{
    readonly ProxeDbContext _db;
    readonly string _brand;

    public DemoDatabase(string connectionString, string brand)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--db is not a valid Npgsql connection string: {e.Message}", ExitCodes.Usage);
        }
        _db = ProxeDbContext.Create(connectionString);
        _brand = brand;
    }

    public async Task<IReadOnlyDictionary<string, DemoLead>> LeadsAsync(IReadOnlyCollection<string> phones, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
            await _db.Database.ExecuteSqlAsync($"SELECT set_config('proxe.brands', {_brand}, true)", cancellationToken);

            var leads = await _db.UnifiedLeads
                .Where(u => u.Brand == _brand && phones.Contains(u.Phone!))
                .Select(u => new
                {
                    u.Phone, u.FirstTouchpoint, u.LastTouchpoint, u.Name, u.Metadata, u.LastInteractionAt,
                    Messages = _db.Messages.LongCount(m => m.Brand == u.Brand && m.LeadId == u.Id),
                })
                .ToListAsync(cancellationToken);
            return leads.ToDictionary(
                l => l.Phone!,
                l => new DemoLead(l.Phone!, l.FirstTouchpoint, l.LastTouchpoint, l.Name, ChannelsOf(l.Metadata), l.Messages,
                    l.LastInteractionAt is { } at ? new DateTimeOffset(at) : null),
                StringComparer.Ordinal);
        }
        catch (Exception e) when (e is NpgsqlException || e.InnerException is NpgsqlException)
        {
            // EF Core wraps a transient NpgsqlException (a refused connection) in an InvalidOperationException.
            throw new CliException($"Cannot read the PROXe database given with --db: {(e as NpgsqlException ?? e.InnerException)!.Message}");
        }
    }

    /// <summary>metadata holds one object per channel the lead used.</summary>
    static IReadOnlyList<string> ChannelsOf(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object
            ? metadata.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList()
            : [];

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
