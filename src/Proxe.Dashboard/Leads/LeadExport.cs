using System.Security.Claims;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Proxe.Database;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;

namespace Proxe.Dashboard.Leads;

/// <summary>
/// /api/leads/export.csv: every lead matching the list's filters (no limit, no cursor), newest activity first, streamed
/// row by row from one query (AsAsyncEnumerable, no tracking) straight into the response, so 200,000 leads never sit in memory.
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

    public static IQueryable<ExportRow> Rows(ProxeDbContext db, LeadFilter filter) =>
        db.Matching(filter, withCursor: false).ByActivity().Select(l => new ExportRow(
            l.Id, l.Brand, l.CustomerName, l.Email, l.CustomerPhoneNormalized, l.FirstTouchpoint, l.LastTouchpoint,
            string.Join(" > ", l.Journey), l.FirstInteractionAt, l.LastInteractionAt, l.CreatedAt));

    /// <summary>Writes the CSV; returns the number of leads written.</summary>
    public static async Task<long> WriteAsync(ProxeDbContext db, LeadFilter filter, Stream body, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
        csv.WriteHeader(Header);
        long rows = 0;
        await foreach (var lead in Rows(db, filter).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            csv.WriteField(lead.Id, default);
            csv.WriteField(lead.Brand);
            csv.WriteField(lead.Name);
            csv.WriteField(lead.Email);
            csv.WriteField(lead.Phone);
            csv.WriteField(lead.FirstTouchpoint);
            csv.WriteField(lead.LastTouchpoint);
            csv.WriteField(lead.Journey);
            csv.WriteField(lead.FirstInteractionAt, default);
            if (lead.LastInteractionAt is { } lastInteractionAt)
                csv.WriteField(lastInteractionAt, default);
            else
                csv.WriteField((string?)null);
            csv.WriteField(lead.CreatedAt, default);
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    public sealed record ExportRow(
        Guid Id, string Brand, string? Name, string? Email, string? Phone, string FirstTouchpoint, string LastTouchpoint,
        string Journey, DateTime FirstInteractionAt, DateTime? LastInteractionAt, DateTime CreatedAt);
}
