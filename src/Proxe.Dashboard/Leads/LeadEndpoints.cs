using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Proxe.Contracts;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;

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
                "q: part of the name. first_touchpoint / last_touchpoint: web|whatsapp|voice|social. " +
                "Keyset pagination: pass next_cursor back as cursor. limit 1-200 (default 50).");

        api.MapGet("/{id}", GetLead)
            .WithName("GetLead")
            .WithSummary("One lead with its sessions per channel, identities and unified_context");

        api.MapGet("/{id}/messages", GetMessages)
            .WithName("GetLeadMessages")
            .WithSummary("The lead's conversation across every channel, ordered by occurred_at")
            .WithDescription("Keyset pagination: pass next_cursor back as cursor. limit 1-200 (default 100).");

        return app;
    }

    internal static async Task<Results<Ok<Page<Lead>>, ValidationProblem, ProblemHttpResult>> ListLeads(
        ClaimsPrincipal user,
        ReaderDatabase database,
        string? phone,
        string? email,
        string? q,
        [FromQuery(Name = "first_touchpoint")] string? firstTouchpoint,
        [FromQuery(Name = "last_touchpoint")] string? lastTouchpoint,
        string? brand,
        string? cursor,
        int? limit,
        CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var errors = new Dictionary<string, string[]>();
        var filter = ReadFilter(errors, phone, email, q, firstTouchpoint, lastTouchpoint, cursor, limit);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        return TypedResults.Ok(await database.ReadAsync(brands, c => LeadQueries.FindAsync(c, filter, cancellationToken), cancellationToken));
    }

    internal static async Task<Results<Ok<LeadDetail>, ProblemHttpResult>> GetLead(
        ClaimsPrincipal user, ReaderDatabase database, Guid id, CancellationToken cancellationToken)
    {
        var lead = await database.ReadAsync(user.Brands(), c => LeadQueries.GetAsync(c, id, cancellationToken), cancellationToken);
        return lead is null ? LeadNotFound() : TypedResults.Ok(lead);
    }

    internal static async Task<Results<Ok<Page<LeadMessage>>, ValidationProblem, ProblemHttpResult>> GetMessages(
        ClaimsPrincipal user, ReaderDatabase database, Guid id, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var take = ReadLimit(errors, limit, DefaultMessageLimit);
        var (cursorAt, cursorId) = ReadCursor(errors, cursor);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var page = await database.ReadAsync(user.Brands(), async c =>
            await LeadQueries.ExistsAsync(c, id, cancellationToken)
                ? await LeadQueries.MessagesAsync(c, id, cursorAt, cursorId, take, cancellationToken)
                : null,
            cancellationToken);
        return page is null ? LeadNotFound() : TypedResults.Ok(page);
    }

    /// <summary>Another brand's lead and a lead that does not exist look the same: row-level security hides the first.</summary>
    internal static ProblemHttpResult LeadNotFound() =>
        TypedResults.Problem("No lead with this id is visible to this dashboard key.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    internal static LeadFilter ReadFilter(Dictionary<string, string[]> errors, string? phone, string? email, string? q,
        string? firstTouchpoint, string? lastTouchpoint, string? cursor, int? limit)
    {
        string? digits = null;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
            if (phone.Length > 40 || digits.Length is < 3 or > 20)
                errors["phone"] = ["A phone number needs 3 to 20 digits."];
        }

        string? emailKey = null;
        if (!string.IsNullOrWhiteSpace(email))
        {
            emailKey = email.Trim().ToLowerInvariant();
            if (emailKey.Length > 320 || !emailKey.Contains('@'))
                errors["email"] = ["Give a whole email address (it is matched exactly, ignoring case)."];
        }

        string? namePattern = null;
        if (!string.IsNullOrWhiteSpace(q))
        {
            if (q.Length > 200)
                errors["q"] = ["At most 200 characters."];
            namePattern = $"%{q.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
        }

        CheckChannel(errors, "first_touchpoint", firstTouchpoint);
        CheckChannel(errors, "last_touchpoint", lastTouchpoint);
        var take = ReadLimit(errors, limit, LeadFilter.DefaultLimit);
        var (cursorAt, cursorId) = ReadCursor(errors, cursor);

        return new LeadFilter(digits, emailKey, NullIfEmpty(firstTouchpoint), NullIfEmpty(lastTouchpoint), namePattern, cursorAt, cursorId, take);
    }

    internal static void CheckChannel(Dictionary<string, string[]> errors, string field, string? channel)
    {
        if (!string.IsNullOrEmpty(channel) && !Channels.IsKnown(channel))
            errors[field] = [$"Must be one of {string.Join(", ", Channels.All)}."];
    }

    internal static int ReadLimit(Dictionary<string, string[]> errors, int? limit, int defaultLimit)
    {
        if (limit is < 1 or > LeadFilter.MaxLimit)
            errors["limit"] = [$"Must be between 1 and {LeadFilter.MaxLimit}."];
        return limit ?? defaultLimit;
    }

    private static (DateTime? At, Guid? Id) ReadCursor(Dictionary<string, string[]> errors, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return (null, null);
        if (Cursor.TryDecode(cursor, out var at, out var id))
            return (at, id);
        errors["cursor"] = ["Not a cursor this API returned."];
        return (null, null);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
