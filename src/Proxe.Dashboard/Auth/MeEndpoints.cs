using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Proxe.Dashboard.Auth;

public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Me)
            .WithTags("Auth")
            .WithName("Me")
            .WithSummary("Who this dashboard key is and which brands it may read")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    internal static Ok<DashboardUser> Me(ClaimsPrincipal user) => TypedResults.Ok(new DashboardUser(user.Identity?.Name ?? "", user.Brands()));
}

public sealed record DashboardUser(string Name, IReadOnlyList<string> Brands);
