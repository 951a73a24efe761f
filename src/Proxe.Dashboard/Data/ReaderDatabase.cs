using System.Data;
using Microsoft.EntityFrameworkCore;
using Proxe.Database;

namespace Proxe.Dashboard.Data;

/// <summary>
/// Every dashboard read runs in its own transaction as proxe_reader with proxe.brands set to the caller's brands,
/// so PostgreSQL's row-level security, not the application's WHERE clauses, decides which rows exist.
/// </summary>
public sealed class ReaderDatabase(IDbContextFactory<ProxeDbContext> contexts)
{
    public const string ReaderRole = "proxe_reader";

    public async Task<T> ReadAsync<T>(IReadOnlyCollection<string> brands, Func<ProxeDbContext, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        // Also when the connection string already says Options=-c role=proxe_reader: a login configured with more
        // rights (the postgres superuser in docker-compose) still reads as proxe_reader. Both settings end with the
        // transaction, so a pooled connection carries nothing into the next request.
        await db.Database.ExecuteSqlAsync(
            $"SELECT set_config('role', {ReaderRole}, true), set_config('proxe.brands', {string.Join(',', brands)}, true)",
            cancellationToken);

        var result = await read(db);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
