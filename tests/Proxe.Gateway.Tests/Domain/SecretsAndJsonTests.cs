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
