using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;
using Proxe.Domain;

namespace Proxe.Dashboard.Leads;

public static class LeadEndpoints
{
    public const int DefaultMessageLimit = 100;

    public static IEndpointRouteBuilder MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/", ListLeads)
            .WithName("ListLeads")
            .WithSummary("Find leads (unified_leads), newest activity first")
            .WithDescription(
                "phone: any format, compared digits-only like the seed's WHERE phone='919876543210'. email: exact, case-insensitive. " +
                "q: part of the name. first_touchpoint / last_touchpoint / channel (used at any point): web|whatsapp|voice|social. " +
                "active_from / active_to: range of last_interaction_at (date or ISO time, to exclusive). cross_channel=true: " +
                "leads that used more than one channel. Keyset pagination: pass next_cursor back as cursor. limit 1-200 (default 50).");

        api.MapGet("/export.csv", LeadExport.ExportAsync)
            .WithName("ExportLeads")
            .WithSummary("The leads matching the same filters as /api/leads, as CSV, streamed")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        api.MapGet("/{id}", GetLead)
            .WithName("GetLead")
            .WithSummary("One lead with its sessions per channel, identities and unified_context");

        api.MapGet("/{id}/messages", GetMessages)
            .WithName("GetLeadMessages")
            .WithSummary("The lead's conversation across every channel, ordered by occurred_at")
            .WithDescription("Keyset pagination: pass next_cursor back as cursor. limit 1-200 (default 100).");

        api.MapGet("/{id}/context", LeadContextEndpoint.GetContext)
            .WithName("GetLeadContext")
            .WithSummary("What an AI orchestrator needs to answer this customer on any channel")
            .WithDescription(LeadContextEndpoint.Description);

        return app;
    }

    internal static async Task<Results<Ok<Page<Lead>>, ValidationProblem, ProblemHttpResult>> ListLeads(
        ClaimsPrincipal user, ReaderDatabase database, [AsParameters] LeadQuery query, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, query.Brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        var filter = ReadFilter(parameters, query);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        return TypedResults.Ok(await database.ReadAsync(brands, c => LeadQueries.FindAsync(c, filter, cancellationToken), cancellationToken));
    }

    internal static async Task<Results<Ok<LeadDetail>, ValidationProblem, ProblemHttpResult>> GetLead(
        ClaimsPrincipal user, ReaderDatabase database, string id, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters();
        var leadId = parameters.Guid("id", id);
        if (leadId is not { } lead)
            return TypedResults.ValidationProblem(parameters.Errors);

        var detail = await database.ReadAsync(user.Brands(), c => LeadQueries.GetAsync(c, lead, cancellationToken), cancellationToken);
        return detail is null ? LeadNotFound() : TypedResults.Ok(detail);
    }

    internal static async Task<Results<Ok<Page<LeadMessage>>, ValidationProblem, ProblemHttpResult>> GetMessages(
        ClaimsPrincipal user, ReaderDatabase database, string id, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters();
        var leadId = parameters.Guid("id", id);
        var take = parameters.Int("limit", limit, DefaultMessageLimit, 1, LeadFilter.MaxLimit);
        var (cursorAt, cursorId) = ReadCursor(parameters, cursor);
        if (!parameters.Valid || leadId is not { } lead)
            return TypedResults.ValidationProblem(parameters.Errors);

        var page = await database.ReadAsync(user.Brands(), async c =>
            await LeadQueries.ExistsAsync(c, lead, cancellationToken)
                ? await LeadQueries.MessagesAsync(c, lead, cursorAt, cursorId, take, cancellationToken)
                : null,
            cancellationToken);
        return page is null ? LeadNotFound() : TypedResults.Ok(page);
    }

    /// <summary>Another brand's lead and a lead that does not exist look the same: row-level security hides the first.</summary>
    internal static ProblemHttpResult LeadNotFound() =>
        TypedResults.Problem("No lead with this id is visible to this dashboard key.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    internal static LeadFilter ReadFilter(QueryParameters parameters, LeadQuery query, int? defaultLimit = null)
    {
        string? digits = null;
        if (parameters.Text("phone", query.Phone, 40) is { } phone)
        {
            digits = Phones.Digits(phone);
            if (digits.Length is < 3 or > 20)
                parameters.Fail("phone", "A phone number needs 3 to 20 digits.");
        }

        var email = parameters.Text("email", query.Email, 320)?.ToLowerInvariant();
        if (email is not null && !email.Contains('@'))
            parameters.Fail("email", "Give a whole email address (it is matched exactly, ignoring case).");

        var name = parameters.Text("q", query.Q);
        var namePattern = name is null ? null : $"%{name.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";

        var activeFrom = parameters.Time("active_from", query.ActiveFrom);
        var activeTo = parameters.Time("active_to", query.ActiveTo);
        if (activeFrom >= activeTo)
            parameters.Fail("active_from", "Must be before active_to.");

        return new LeadFilter(
            Phone: digits,
            Email: email,
            FirstTouchpoint: parameters.Channel("first_touchpoint", query.FirstTouchpoint),
            LastTouchpoint: parameters.Channel("last_touchpoint", query.LastTouchpoint),
            NamePattern: namePattern,
            Limit: parameters.Int("limit", query.Limit, defaultLimit ?? LeadFilter.DefaultLimit, 1, LeadFilter.MaxLimit),
            Channel: parameters.Channel("channel", query.Channel),
            ActiveFrom: activeFrom,
            ActiveTo: activeTo,
            CrossChannel: parameters.Bool("cross_channel", query.CrossChannel))
        {
            CursorAt = ReadCursor(parameters, query.Cursor).At,
            CursorId = ReadCursor(parameters, query.Cursor).Id,
        };
    }

    private static (DateTime? At, Guid? Id) ReadCursor(QueryParameters parameters, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return (null, null);
        if (Cursor.TryDecode(cursor, out var at, out var id))
            return (at, id);
        parameters.Fail("cursor", "Not a cursor this API returned.");
        return (null, null);
    }
}

/// <summary>The list's query string, shared by /api/leads and /api/leads/export.csv; read as text, checked by ReadFilter.</summary>
public sealed class LeadQuery
{
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Q { get; init; }
    [FromQuery(Name = "first_touchpoint")] public string? FirstTouchpoint { get; init; }
    [FromQuery(Name = "last_touchpoint")] public string? LastTouchpoint { get; init; }
    public string? Channel { get; init; }
    [FromQuery(Name = "active_from")] public string? ActiveFrom { get; init; }
    [FromQuery(Name = "active_to")] public string? ActiveTo { get; init; }
    [FromQuery(Name = "cross_channel")] public string? CrossChannel { get; init; }
    public string? Brand { get; init; }
    public string? Cursor { get; init; }
    public string? Limit { get; init; }
}
