using System.Globalization;
using System.Text;
using Proxe.Domain;

namespace Proxe.Gateway.Tests.Domain;

/// <summary>Text.Truncate is the project's one cut: checked at every cut position of text full of multi-char graphemes.</summary>
public class TextTests
{
    /// <summary>Surrogate pairs, a ZWJ family, a skin-tone modifier, a flag, combining marks, RTL text and marks.</summary>
    private const string Hostile = "a😀b👨‍👩‍👧‍👦c👍🏽d🇮🇳e\u0065\u0301\u0302f\u200Fשלום\u200Eg😀";

    public static TheoryData<string> Texts => [Hostile, new string('a', 158) + "😀 hi", "👩🏿‍🚀👩🏿‍🚀👩🏿‍🚀", "e\u0301e\u0301e\u0301e\u0301"];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Truncate_keeps_whole_graphemes_at_every_cut(string text)
    {
        var graphemes = Graphemes(text);
        for (var max = Text.Ellipsis.Length; max <= text.Length + 1; max++)
        {
            var cut = Text.Truncate(text, max)!;
            Assert.True(cut.Length <= max, $"max {max}: {cut.Length} chars");
            Assert.Null(Text.Unstorable(cut));
            if (cut == text)
                continue;

            Assert.EndsWith(Text.Ellipsis, cut);
            var kept = cut[..^Text.Ellipsis.Length];
            Assert.StartsWith(kept, text, StringComparison.Ordinal);
            // The kept part is a whole number of the original's graphemes.
            Assert.Equal(Graphemes(kept), graphemes.Take(Graphemes(kept).Count));
            // And it is the longest such prefix.
            var next = graphemes.Skip(Graphemes(kept).Count).First();
            Assert.True(kept.Length + next.Length > max - Text.Ellipsis.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void TruncateUtf8_keeps_whole_graphemes_within_the_byte_bound(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        for (var max = 3; max <= bytes + 1; max++)
        {
            var cut = Text.TruncateUtf8(text, max)!;
            Assert.True(Encoding.UTF8.GetByteCount(cut) <= max, $"max {max}");
            Assert.Null(Text.Unstorable(cut));
            var kept = cut == text ? cut : cut[..^Text.Ellipsis.Length];
            Assert.Equal(Graphemes(kept), Graphemes(text).Take(Graphemes(kept).Count));
        }
    }

    [Fact]
    public void The_preview_boundary_of_issue_8_case_1_keeps_the_emoji_whole()
    {
        var content = new string('a', 158) + "😀 hi";
        Assert.Equal(new string('a', 158) + Text.Ellipsis, Text.Truncate(content, 160));
        Assert.Equal(new string('a', 158) + "😀" + Text.Ellipsis, Text.Truncate(content, 161));
    }

    [Fact]
    public void Short_text_and_null_come_back_unchanged()
    {
        Assert.Null(Text.Truncate(null, 10));
        Assert.Same(Hostile, Text.Truncate(Hostile, Hostile.Length));
    }

    // Facts, not InlineData: xUnit's case serialization would mangle lone surrogates.
    [Fact]
    public void Unstorable_names_what_PostgreSQL_cannot_hold()
    {
        Assert.Equal("contains the NUL character (U+0000)", Text.Unstorable("a\0b"));
        foreach (var text in new[] { "a\uD83Db", "a\uDE00", "\uD83D", "\uDE00\uD83D" })
            Assert.Equal("contains a lone surrogate (not valid Unicode)", Text.Unstorable(text));
        Assert.Null(Text.Unstorable(Hostile));
    }

    [Fact]
    public void MakeStorable_removes_NUL_and_replaces_lone_surrogates()
    {
        Assert.Equal("ab\uFFFDc😀", Text.MakeStorable("a\0b\uD83Dc😀"));
        Assert.Null(Text.Unstorable(Text.MakeStorable("\uDE00\uD83D")));
        Assert.Same(Hostile, Text.MakeStorable(Hostile));
    }

    private static List<string> Graphemes(string text)
    {
        var list = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
            list.Add((string)e.Current);
        return list;
    }
}
