using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Proxe.Dashboard.Auth;

public static class BrandScope
{
    /// <summary>
    /// The brands a request reads: all of the key's brands, or the one asked for with <c>?brand=</c>
    /// (403 when the key may not see it).
    /// </summary>
    public static bool TryResolve(ClaimsPrincipal user, string? brand, out IReadOnlyList<string> brands, out ProblemHttpResult? forbidden)
    {
        var allowed = user.Brands();
        forbidden = null;
        if (string.IsNullOrEmpty(brand))
        {
            brands = allowed;
            return true;
        }

        if (allowed.Contains(brand, StringComparer.Ordinal))
        {
            brands = [brand];
            return true;
        }

        brands = [];
        forbidden = TypedResults.Problem("This dashboard key may not read that brand.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        return false;
    }
}
