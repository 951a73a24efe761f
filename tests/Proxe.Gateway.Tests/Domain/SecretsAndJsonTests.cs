using System.Text.Json;
using Proxe.Domain;

namespace Proxe.Gateway.Tests.Domain;

public class SecretsAndJsonTests
{
    [Fact]
    public void TryMatch_finds_the_owner_of_a_secret_and_nobody_for_others()
    {
        (byte[], string)[] known = [(Secrets.Hash("key-of-acme-0123456789"), "acme"), (Secrets.Hash("key-of-globex-0123456"), "globex")];
        Assert.True(Secrets.TryMatch("key-of-globex-0123456", known, out var owner));
        Assert.Equal("globex", owner);
        Assert.False(Secrets.TryMatch("key-of-nobody", known, out _));
        Assert.False(Secrets.TryMatch("", known, out _));
        Assert.True(Secrets.MatchesAny("t2", [null, "t1", "t2"]));
        Assert.False(Secrets.MatchesAny("", [null, ""]));
    }

    [Fact]
    public void FindUnstorable_names_the_path_of_a_lone_surrogate_or_NUL()
    {
        using var surrogate = JsonDocument.Parse("""{"a":[1,{"b":"x\udc00"}]}""");
        Assert.Equal("$.a[1].b", JsonFields.FindUnstorable(surrogate.RootElement)!.Value.Path);

        using var nul = JsonDocument.Parse("""{"ok":"😀","n":"a\u0000"}""");
        Assert.Equal("$.n", JsonFields.FindUnstorable(nul.RootElement)!.Value.Path);

        using var name = JsonDocument.Parse("""{"\ud800":1}""");
        Assert.NotNull(JsonFields.FindUnstorable(name.RootElement));

        using var fine = JsonDocument.Parse("""{"a":"👨‍👩‍👧","b":[1,true,null]}""");
        Assert.Null(JsonFields.FindUnstorable(fine.RootElement));
    }

    /// <summary>Each boundary as PostgreSQL 15 answered <c>SELECT '{"n":…}'::jsonb</c> (issue 8 audit: 1e1000000 was a 202, then 22003 and dead-lettered).</summary>
    [Theory]
    [InlineData("0", true)]
    [InlineData("-12.5e3", true)]
    [InlineData("1e300", true)]
    [InlineData("123456789012345678901234567890", true)]
    [InlineData("1e131071", true)]
    [InlineData("1E+131071", true)]
    [InlineData("9.99e131071", true)]
    [InlineData("10e131070", true)]
    [InlineData("0.01e131073", true)]
    [InlineData("1e-16383", true)]
    [InlineData("1.5e-16382", true)]
    [InlineData("0e-16383", true)]
    [InlineData("0.0e-16382", true)]
    [InlineData("0e1000000", true)]
    [InlineData("1e131072", false)]
    [InlineData("10e131071", false)]
    [InlineData("0.01e131074", false)]
    [InlineData("1e1000000", false)]
    [InlineData("-1e200000", false)]
    [InlineData("1e-16384", false)]
    [InlineData("1.5e-16383", false)]
    [InlineData("1.0e-16383", false)]
    [InlineData("0.0e-16383", false)]
    [InlineData("0e-16384", false)]
    [InlineData("-0e-16384", false)]
    [InlineData("0e-20000", false)]
    [InlineData("1e99999999999999999999", false)]
    public void FindUnstorable_names_a_number_PostgreSQL_numeric_cannot_hold(string number, bool storable)
    {
        using var json = JsonDocument.Parse($$"""{"a":[{"n":{{number}}}]}""");

        Assert.Equal(storable, JsonFields.IsStorableNumber(number));
        Assert.Equal(storable ? null : "$.a[0].n", JsonFields.FindUnstorable(json.RootElement)?.Path);
    }

    [Fact]
    public void Numbers_written_with_16383_fraction_digits_are_storable_and_with_16384_not()
    {
        Assert.True(JsonFields.IsStorableNumber("0." + new string('0', 16382) + "1"));
        Assert.False(JsonFields.IsStorableNumber("0." + new string('0', 16383) + "1"));
        Assert.True(JsonFields.IsStorableNumber("1" + new string('0', 131071)));
        Assert.False(JsonFields.IsStorableNumber("1" + new string('0', 131072)));
    }

    [Fact]
    public void Text_reads_strings_and_numbers_and_never_throws()
    {
        using var document = JsonDocument.Parse("""{"s":"x","n":12,"o":{},"bad":"\ud800"}""");
        var root = document.RootElement;
        Assert.Equal("x", JsonFields.Text(root, "s"));
        Assert.Equal("12", JsonFields.Text(root, "n"));
        Assert.Null(JsonFields.Text(root, "o"));
        Assert.Null(JsonFields.Text(root, "missing"));
        Assert.Null(JsonFields.Text(root, "bad"));
    }
}
