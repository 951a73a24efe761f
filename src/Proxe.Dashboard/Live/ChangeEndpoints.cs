using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;
using Proxe.Database;

namespace Proxe.Dashboard.Live;

/// <summary>
/// Live refresh by polling with ETags: the page asks every few seconds whether anything it shows changed. Each poll is
/// one short brand-scoped transaction on two index probes, so no connection is held between polls (unlike a
/// server-sent event stream, which would pin one per open tab).
/// </summary>
public static class ChangeEndpoints
{
    public static IEndpointRouteBuilder MapChangeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/changes", Changes)
            .WithTags("Live")
            .WithName("Changes")
            .WithSummary("A version of the brand's leads and messages (and of one lead's, with ?lead=): poll with If-None-Match")
            .WithDescription("Answers 304 while nothing changed since the ETag sent in If-None-Match, else 200 with the new version.")
            .RequireAuthorization()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    internal static async Task<Results<Ok<ChangeVersion>, StatusCodeHttpResult, ValidationProblem, ProblemHttpResult>> Changes(
        ClaimsPrincipal user, ReaderDatabase database, HttpContext context, string? brand, string? lead, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        var leadId = string.IsNullOrEmpty(lead) ? null : parameters.Guid("lead", lead);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        var latest = await database.ReadAsync(brands, db => Latest(db, leadId ?? Guid.Empty).SingleAsync(cancellationToken), cancellationToken);

        var version = string.Join('-', new[] { latest.Leads, latest.Messages, latest.LeadMessages }
            .Select(t => (t?.Ticks ?? 0).ToString("x", CultureInfo.InvariantCulture)));
        var etag = new EntityTagHeaderValue($"\"{version}\"");
        context.Response.Headers.ETag = etag.ToString();
        if (EntityTagHeaderValue.TryParseList(context.Request.Headers.IfNoneMatch.Where(v => v is not null).Select(v => v!).ToList(), out var sent) && sent.Any(e => e.Compare(etag, useStrongComparison: false)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(new ChangeVersion(version));
    }

    /// <summary>Three index probes in one statement: one round trip per poll.</summary>
    public static IQueryable<LatestChange> Latest(ProxeDbContext db, Guid lead) => db.Database.SqlQuery<LatestChange>($"""
        SELECT (SELECT max(updated_at) FROM all_leads) AS leads, (SELECT max(created_at) FROM messages) AS messages,
               (SELECT max(created_at) FROM messages WHERE lead_id = {lead}) AS lead_messages
        """);
}

public sealed record LatestChange(DateTime? Leads, DateTime? Messages, DateTime? LeadMessages);

public sealed record ChangeVersion(string Version);
