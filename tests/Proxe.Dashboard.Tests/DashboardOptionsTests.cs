using Proxe.Dashboard.Auth;

namespace Proxe.Dashboard.Tests;

public sealed class DashboardOptionsTests
{
    private static DashboardOptions Options(params (string Name, string? Key, string[] Brands)[] users) => new()
    {
        Users = users.ToDictionary(u => u.Name, u => new DashboardUserSettings { Key = u.Key, Brands = [.. u.Brands] }),
    };

    [Fact]
    public void Keys_with_brands_are_valid_and_no_users_at_all_is_allowed()
    {
        var validator = new DashboardOptionsValidator();

        Assert.True(validator.Validate(null, Options(("acme_team", "a-long-enough-key-123", ["acme"]), ("agency", "another-long-key-456", ["acme", "globex"]))).Succeeded);
        Assert.True(validator.Validate(null, Options()).Succeeded);
    }

    [Theory]
    [InlineData("short-key", new[] { "acme" }, "at least 16 characters")]
    [InlineData(null, new[] { "acme" }, "at least 16 characters")]
    [InlineData("a-long-enough-key-123", new string[0], "at least one brand")]
    [InlineData("a-long-enough-key-123", new[] { "acme,globex" }, "invalid brand")]
    [InlineData("a-long-enough-key-123", new[] { " " }, "invalid brand")]
    public void A_bad_user_fails_start_up(string? key, string[] brands, string message)
    {
        var result = new DashboardOptionsValidator().Validate(null, Options(("acme_team", key, brands)));

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
        Assert.Contains("acme_team", result.FailureMessage);
    }

    [Fact]
    public void Two_users_cannot_share_a_key()
    {
        var result = new DashboardOptionsValidator().Validate(null, Options(("a", "the-same-key-0123456", ["acme"]), ("b", "the-same-key-0123456", ["globex"])));

        Assert.True(result.Failed);
        Assert.Contains("share a key", result.FailureMessage);
    }
}
