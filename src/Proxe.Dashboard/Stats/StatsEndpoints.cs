using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Proxe.Contracts;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;
using Proxe.Dashboard.Leads;

namespace Proxe.Dashboard.Stats;

public static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/stats").WithTags("Stats").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/first-touchpoints", FirstTouchpoints)
            .WithName("FirstTouchpoints")
            .WithSummary("Customers by first touchpoint (every channel, zero included)");

        api.MapGet("/conversions", Conversions)
            .WithName("Conversions")
            .WithSummary("Customers who started on one channel and are now on another, e.g. ?from=web&to=whatsapp")
            .WithDescription("count is the total; leads holds the newest ones (limit 1-200, default 50).");

        api.MapGet("/journeys", Journeys)
            .WithName("JourneyStats")
            .WithSummary("Journey paths (channels in order of first use) and first → last pairs of the leads first seen in [from, to)")
            .WithDescription("from / to: a date (2025-01-31) or ISO time, to exclusive; default the last 30 days. limit: the top paths, 1-100 (default 20).");

        api.MapGet("/leads", Leads)
            .WithName("LeadStats")
            .WithSummary("New leads per first touchpoint over time, and active leads per channel, in [from, to)")
            .WithDescription("interval: day (default) or week, buckets in UTC (weeks start on Monday). from / to as for /api/stats/journeys.");

        return app;
    }

    internal static async Task<Results<Ok<FirstTouchpointStats>, ProblemHttpResult>> FirstTouchpoints(
        ClaimsPrincipal user, ReaderDatabase database, string? brand, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var counts = await database.ReadAsync(brands,
            c => StatsQueries.FirstTouchpoints(c).ToDictionaryAsync(r => r.Channel, r => r.Count, cancellationToken), cancellationToken);
        var channels = Channels.All
            .Select(channel => new ChannelCount(channel, ChannelLabels.Of(channel), counts.GetValueOrDefault(channel)))
            .ToList();
        return TypedResults.Ok(new FirstTouchpointStats(channels.Sum(c => c.Count), channels));
    }

    internal static async Task<Results<Ok<ConversionStats>, ValidationProblem, ProblemHttpResult>> Conversions(
        ClaimsPrincipal user, ReaderDatabase database, string? from, string? to, string? brand, string? limit, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        parameters.Channel("from", from, required: true);
        parameters.Channel("to", to, required: true);
        var take = parameters.Int("limit", limit, LeadFilter.DefaultLimit, 1, LeadFilter.MaxLimit);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        var filter = new LeadFilter(FirstTouchpoint: from, LastTouchpoint: to, Limit: take);
        var (count, leads) = await database.ReadAsync(brands, async c =>
            (await StatsQueries.Conversions(c, from!, to!).SingleAsync(cancellationToken), await LeadQueries.FindAsync(c, filter, cancellationToken)),
            cancellationToken);
        return TypedResults.Ok(new ConversionStats(from!, to!, ChannelLabels.Of(from!), ChannelLabels.Of(to!), count, leads.Items));
    }

    internal static async Task<Results<Ok<JourneyStats>, ValidationProblem, ProblemHttpResult>> Journeys(
        ClaimsPrincipal user, ReaderDatabase database, TimeProvider clock, string? from, string? to, string? brand, string? limit,
        CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        var (start, end) = parameters.Range(from, to, clock);
        var take = parameters.Int("limit", limit, 20, 1, 100);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        return TypedResults.Ok(await database.ReadAsync(brands, c => StatsQueries.JourneysAsync(c, start, end, take, cancellationToken), cancellationToken));
    }

    internal static async Task<Results<Ok<LeadStats>, ValidationProblem, ProblemHttpResult>> Leads(
        ClaimsPrincipal user, ReaderDatabase database, TimeProvider clock, string? from, string? to, string? interval, string? brand,
        CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var parameters = new QueryParameters();
        var bucket = string.IsNullOrEmpty(interval) ? "day" : interval;
        if (bucket is not ("day" or "week"))
            parameters.Fail("interval", "Must be day or week.");
        var (start, end) = parameters.Range(from, to, clock, maxDays: bucket == "week" ? 800 : 400);
        if (!parameters.Valid)
            return TypedResults.ValidationProblem(parameters.Errors);

        return TypedResults.Ok(await database.ReadAsync(brands, c => StatsQueries.LeadsAsync(c, start, end, bucket, cancellationToken), cancellationToken));
    }
}

public sealed record ChannelCount(string FirstTouchpoint, string Channel, long Count);

public sealed record FirstTouchpointStats(long Total, IReadOnlyList<ChannelCount> Channels);

public sealed record ConversionStats(string From, string To, string FromLabel, string ToLabel, long Count, IReadOnlyList<Lead> Leads);
