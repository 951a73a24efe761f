using System.Security.Claims;
using CsvHelper;
using Dapper;
using Npgsql;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;

namespace Proxe.Dashboard.Leads;

/// <summary>
/// /api/leads/export.csv: every lead matching the list's filters (no limit, no cursor), newest activity first, streamed
/// row by row from one reader straight into the response, so 200,000 leads never sit in memory.
/// </summary>
public static class LeadExport
{
    public static readonly string[] Header =
    [
        "id", "brand", "name", "email", "phone", "first_touchpoint", "last_touchpoint", "journey",
        "first_interaction_at", "last_interaction_at", "created_at",
    ];

    // A name like "=HYPERLINK(...)" must stay text when the file is opened in a spreadsheet.
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    internal static async Task<IResult> ExportAsync(
        ClaimsPrincipal user, ReaderDatabase database, [Microsoft.AspNetCore.Http.AsParameters] LeadQuery query, HttpContext context)
    {
        if (!BrandScope.TryResolve(user, query.Brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        var filter = ReadFilter(parameters, query);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        return TypedResults.Stream(
            body => database.ReadAsync(brands, c => WriteAsync(c, filter, body, context.RequestAborted), context.RequestAborted),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: $"proxe-leads-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
    }

    private static LeadFilter ReadFilter(QueryParameters parameters, LeadQuery query)
    {
        if (!string.IsNullOrEmpty(query.Cursor))
            parameters.Fail("cursor", "The export has no pages: it holds every matching lead.");
        if (!string.IsNullOrEmpty(query.Limit))
            parameters.Fail("limit", "The export has no limit: it holds every matching lead.");
        return LeadEndpoints.ReadFilter(parameters, query);
    }

    public static (string Sql, DynamicParameters Parameters) Command(LeadFilter filter)
    {
        var (where, parameters) = LeadQueries.Where(filter, withCursor: false);
        return ($"""
            SELECT l.id, l.brand, l.customer_name, l.email, l.customer_phone_normalized, l.first_touchpoint, l.last_touchpoint,
                   array_to_string(l.journey, ' > '), l.first_interaction_at, l.last_interaction_at, l.created_at
            FROM all_leads l
            {where}
            ORDER BY coalesce(l.last_interaction_at, l.created_at) DESC, l.id DESC
            """, parameters);
    }

    /// <summary>Writes the CSV; returns the number of leads written.</summary>
    public static async Task<long> WriteAsync(NpgsqlConnection connection, LeadFilter filter, Stream body, CancellationToken cancellationToken)
    {
        var (sql, parameters) = Command(filter);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));

        await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
        csv.WriteHeader(Header);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            csv.WriteField(reader.GetGuid(0), default);
            for (var i = 1; i <= 7; i++)
                csv.WriteField(reader.IsDBNull(i) ? null : reader.GetString(i));
            csv.WriteField(reader.GetDateTime(8), default);
            if (reader.IsDBNull(9))
                csv.WriteField((string?)null);
            else
                csv.WriteField(reader.GetDateTime(9), default);
            csv.WriteField(reader.GetDateTime(10), default);
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }
}
