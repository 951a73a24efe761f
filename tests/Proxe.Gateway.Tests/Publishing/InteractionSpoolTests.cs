using System.Text;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Proxe.Gateway.Publishing;

namespace Proxe.Gateway.Tests.Publishing;

/// <summary>The spool's journal on the real file system: durability across reopening, torn tails, bounds, segment clean-up.</summary>
public sealed class InteractionSpoolTests : IDisposable
{
    private readonly string _directory = GatewayFactory.NewSpoolDirectory();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private InteractionSpool Open(Action<SpoolOptions>? configure = null)
    {
        var options = new SpoolOptions { Directory = _directory };
        configure?.Invoke(options);
        return new InteractionSpool(
            Microsoft.Extensions.Options.Options.Create(options),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath() },
            _time,
            NullLogger<InteractionSpool>.Instance);
    }

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Texts(InteractionSpool spool) =>
        spool.Peek(int.MaxValue).Select(r => Encoding.UTF8.GetString(r.Payload!)).ToList();

    private string NewestSegment() => Directory.GetFiles(_directory, "*.seg").Where(f => new FileInfo(f).Length > 0).Order().Last();

    [Fact]
    public async Task Appended_records_survive_reopening_in_order_with_their_counts_and_time()
    {
        await using (var spool = Open())
        {
            Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("first"), 1, default));
            Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("second"), 2, default));
            Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("third"), 3, default));
            Assert.Equal((3, 6), (spool.Current.Requests, spool.Current.Interactions));
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        await using var reopened = Open();
        var status = reopened.Current;
        Assert.Equal((3, 6, true, false), (status.Requests, status.Interactions, status.Writable, status.Full));
        Assert.Equal(3 * 24 + "firstsecondthird".Length, status.Bytes);
        Assert.Equal(TimeSpan.FromMinutes(2), status.OldestAge);
        Assert.Equal(["first", "second", "third"], Texts(reopened));
        Assert.Equal([1, 2, 3], reopened.Peek(10).Select(r => r.Interactions));
    }

    [Fact]
    public async Task Advancing_is_remembered_across_reopening()
    {
        await using (var spool = Open())
        {
            foreach (var text in new[] { "a", "b", "c" })
                await spool.AppendAsync(Payload(text), 1, default);
            spool.Advance(2);
            Assert.Equal(["c"], Texts(spool));
        }

        await using (var reopened = Open())
        {
            Assert.Equal(["c"], Texts(reopened));
            reopened.Advance(1);
            Assert.Equal(0, reopened.Current.Requests);
            await reopened.AppendAsync(Payload("d"), 1, default);
        }

        await using var again = Open();
        Assert.Equal(["d"], Texts(again));
    }

    [Fact]
    public async Task A_record_torn_by_a_crash_is_ignored_and_the_records_after_the_restart_still_drain()
    {
        await using (var spool = Open())
        {
            foreach (var text in new[] { "kept-1", "kept-2", "torn-by-kill-9" })
                await spool.AppendAsync(Payload(text), 1, default);
        }

        // kill -9 in the middle of the third write: its header and half its payload reached the file.
        var segment = NewestSegment();
        await using (var file = new FileStream(segment, FileMode.Open))
            file.SetLength(file.Length - 7);

        await using (var reopened = Open())
        {
            Assert.Equal(["kept-1", "kept-2"], Texts(reopened));
            await reopened.AppendAsync(Payload("after-restart"), 1, default);
            Assert.Equal(["kept-1", "kept-2", "after-restart"], Texts(reopened));
        }

        await using var again = Open();
        Assert.Equal(["kept-1", "kept-2", "after-restart"], Texts(again));
        again.Advance(3);
        Assert.Equal(0, again.Current.Requests);
    }

    [Theory]
    [InlineData(new byte[] { 0x31, 0x53, 0x58 })]                                            // the first bytes of a header
    [InlineData(new byte[] { 0x31, 0x53, 0x58, 0x50, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0 })] // a header claiming 2 GB
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // zeros
    public async Task Garbage_after_the_last_record_is_ignored(byte[] tail)
    {
        await using (var spool = Open())
            await spool.AppendAsync(Payload("whole"), 1, default);

        await using (var file = new FileStream(NewestSegment(), FileMode.Append))
            file.Write(tail);

        await using var reopened = Open();
        Assert.Equal(["whole"], Texts(reopened));
    }

    [Fact]
    public async Task A_record_whose_bytes_no_longer_match_its_checksum_is_not_taken_for_data()
    {
        await using (var spool = Open())
        {
            await spool.AppendAsync(Payload("intact"), 1, default);
            await spool.AppendAsync(Payload("damaged"), 1, default);
        }

        var segment = NewestSegment();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^2] ^= 0x20;
        await File.WriteAllBytesAsync(segment, bytes);

        await using var reopened = Open();
        Assert.Equal(["intact"], Texts(reopened));
    }

    [Fact]
    public async Task Full_by_interactions_or_bytes_refuses_without_writing()
    {
        await using (var spool = Open(o => o.MaxInteractions = 3))
        {
            Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("two"), 2, default));
            Assert.Equal(SpoolAppendResult.Full, await spool.AppendAsync(Payload("two more"), 2, default));
            Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("one"), 1, default));
            Assert.True(spool.Current.Full);
            spool.Advance(1);
            Assert.False(spool.Current.Full);
            Assert.Equal(["one"], Texts(spool));
        }

        Dispose();
        await using var bySize = Open(o => o.MaxBytes = 64 * 1024);
        Assert.Equal(SpoolAppendResult.Spooled, await bySize.AppendAsync(new byte[40_000], 1, default));
        Assert.Equal(SpoolAppendResult.Full, await bySize.AppendAsync(new byte[40_000], 1, default));
        Assert.Equal(1, bySize.Current.Requests);
    }

    [Fact]
    public async Task A_spool_whose_oldest_record_reached_max_age_takes_nothing_more_but_keeps_what_it_has()
    {
        await using var spool = Open(o => o.MaxAge = TimeSpan.FromMinutes(10));
        await spool.AppendAsync(Payload("old"), 1, default);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("recent"), 1, default));
        Assert.False(spool.Current.Full);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(spool.Current.Full);
        Assert.Equal(SpoolAppendResult.Full, await spool.AppendAsync(Payload("refused"), 1, default));
        Assert.Equal(["old", "recent"], Texts(spool));

        spool.Advance(1);
        Assert.Equal(TimeSpan.FromMinutes(1), spool.Current.OldestAge);
        Assert.Equal(SpoolAppendResult.Spooled, await spool.AppendAsync(Payload("accepted again"), 1, default));
    }

    [Fact]
    public async Task Two_processes_never_share_one_spool_folder()
    {
        await using var first = Open();
        var refused = Assert.Throws<InvalidOperationException>(() => Open());
        Assert.Contains("in use by another gateway process", refused.Message);
    }

    [Fact]
    public async Task Concurrent_appends_are_each_durable_once()
    {
        await using (var spool = Open())
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => spool.AppendAsync(Payload($"r{i}"), 1, default)));

        await using var reopened = Open();
        var texts = Texts(reopened);
        Assert.Equal(300, texts.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"r{i}").Order(), texts.Order());
    }

    [Fact]
    public async Task The_journal_rolls_into_new_files_and_deletes_each_once_drained()
    {
        await using var spool = Open(o => o.SegmentBytes = 64 * 1024);
        for (var i = 0; i < 12; i++)
            await spool.AppendAsync(new byte[20_000], 1, default);
        Assert.True(Directory.GetFiles(_directory, "*.seg").Length >= 3);

        spool.Advance(12);

        Assert.Single(Directory.GetFiles(_directory, "*.seg"));
        Assert.Equal(new SpoolStatus(0, 0, 0, TimeSpan.Zero, true, false), spool.Current);
    }
}

/// <summary>The spool's settings are checked when the gateway starts, not at the first outage.</summary>
public sealed class SpoolOptionsTests
{
    [Theory]
    [InlineData("Proxe:Spool:MaxInteractions", "0")]
    [InlineData("Proxe:Spool:MaxBytes", "1000")]
    [InlineData("Proxe:Spool:MaxAge", "00:00:01")]
    [InlineData("Proxe:Spool:Directory", "")]
    public async Task A_gateway_with_an_impossible_spool_setting_does_not_start(string key, string value)
    {
        await using var factory = new GatewayFactory(new Uri("amqp://guest:guest@127.0.0.1:1/"), new Dictionary<string, string?> { [key] = value });
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(key.Split(':')[^1], failure.ToString());
    }
}
