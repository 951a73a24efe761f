using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
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

        return app;
    }

    internal static async Task<Results<Ok<FirstTouchpointStats>, ProblemHttpResult>> FirstTouchpoints(
        ClaimsPrincipal user, ReaderDatabase database, string? brand, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var counts = await database.ReadAsync(brands, c => LeadQueries.CountByFirstTouchpointAsync(c, cancellationToken), cancellationToken);
        var channels = Channels.All
            .Select(channel => new ChannelCount(channel, ChannelLabels.Of(channel), counts.GetValueOrDefault(channel)))
            .ToList();
        return TypedResults.Ok(new FirstTouchpointStats(channels.Sum(c => c.Count), channels));
    }

    internal static async Task<Results<Ok<ConversionStats>, ValidationProblem, ProblemHttpResult>> Conversions(
        ClaimsPrincipal user, ReaderDatabase database, string? from, string? to, string? brand, int? limit, CancellationToken cancellationToken)
    {
        if (!BrandScope.TryResolve(user, brand, out var brands, out var forbidden))
            return forbidden!;

        var errors = new Dictionary<string, string[]>();
        foreach (var (field, channel) in new[] { ("from", from), ("to", to) })
        {
            if (string.IsNullOrEmpty(channel))
                errors[field] = [$"Required: one of {string.Join(", ", Channels.All)}."];
            else
                LeadEndpoints.CheckChannel(errors, field, channel);
        }
        var take = LeadEndpoints.ReadLimit(errors, limit, LeadFilter.DefaultLimit);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var filter = new LeadFilter(FirstTouchpoint: from, LastTouchpoint: to, Limit: take);
        var (count, leads) = await database.ReadAsync(brands, async c =>
            (await LeadQueries.CountAsync(c, filter, cancellationToken), await LeadQueries.FindAsync(c, filter, cancellationToken)),
            cancellationToken);
        return TypedResults.Ok(new ConversionStats(from!, to!, ChannelLabels.Of(from!), ChannelLabels.Of(to!), count, leads.Items));
    }
}

public sealed record ChannelCount(string FirstTouchpoint, string Channel, long Count);

public sealed record FirstTouchpointStats(long Total, IReadOnlyList<ChannelCount> Channels);

public sealed record ConversionStats(string From, string To, string FromLabel, string ToLabel, long Count, IReadOnlyList<Lead> Leads);
