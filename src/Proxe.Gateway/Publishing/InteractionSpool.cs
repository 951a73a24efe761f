using System.Buffers.Binary;
using System.IO.Hashing;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Proxe.Gateway.Publishing;

/// <summary>What the spool holds right now: what the drain still has to publish, and whether it can take more.</summary>
/// <param name="Requests">Spooled requests (each is published whole).</param>
/// <param name="Interactions">Interactions in those requests.</param>
/// <param name="Bytes">Their size on disk, framing included.</param>
/// <param name="OldestAge">How long the oldest spooled request has waited; zero when empty.</param>
/// <param name="Writable">False after the last write to disk failed (disk full, read-only volume).</param>
/// <param name="Full">A bound of <see cref="SpoolOptions"/> is reached: new requests get 503.</param>
public readonly record struct SpoolStatus(int Requests, int Interactions, long Bytes, TimeSpan OldestAge, bool Writable, bool Full);

/// <summary>The spool's numbers, for readiness and metrics.</summary>
public interface ISpoolStatus
{
    SpoolStatus Current { get; }
}

public enum SpoolAppendResult
{
    Spooled,
    Full,
}

/// <summary>The disk under the spool refused a write; nothing of the request was spooled.</summary>
public sealed class SpoolUnavailableException(Exception inner) : IOException("The gateway's spool cannot be written.", inner);

/// <summary>One spooled request as the drain reads it. <see cref="Payload"/> is null when the bytes on disk no longer match their checksum.</summary>
public sealed record SpooledRecord(DateTimeOffset SpooledAt, int Interactions, byte[]? Payload);

/// <summary>
/// An append-only journal of accepted requests, in numbered segment files under <see cref="SpoolOptions.Directory"/>.
/// Each record is framed as magic, payload length, spooled-at, interaction count, CRC-32 (of the two fields before it
/// and the payload), payload; appends that arrive together share one write and one fsync (group commit), and
/// <see cref="AppendAsync"/> returns only after that fsync. The drain's progress is a checkpoint file (segment, offset);
/// a lost or stale checkpoint only means some requests are published twice, which their message ids make harmless.
/// On open, a record that does not check out (torn by a crash mid-write) ends that segment and is ignored; writing
/// always continues in a new segment, so nothing valid ever sits behind a torn record.
/// <see cref="Peek"/> and <see cref="Advance"/> have one caller, the drain.
/// </summary>
public sealed class InteractionSpool : ISpoolStatus, IAsyncDisposable
{
    private const uint Magic = 0x50585331; // "PXS1"
    private const int HeaderSize = 24;
    private const int MaxPayload = 64 * 1024 * 1024;
    private const int GroupCommitBytes = 4 * 1024 * 1024;
    private const string SegmentExtension = ".seg";
    private const string CheckpointFile = "checkpoint";

    private readonly SpoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InteractionSpool> _logger;
    private readonly FileStream _lockFile;
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _entries = new();
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, SafeFileHandle> _readers = [];
    private readonly Task _writer;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _interactions;
    private long _bytes;
    private bool _writable = true;
    private Entry? _lastDrained;
    private long _segmentNumber;
    private FileStream? _segment;

    public InteractionSpool(IOptions<SpoolOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<InteractionSpool> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        DirectoryPath = Path.GetFullPath(_options.Directory, environment.ContentRootPath);
        Directory.CreateDirectory(DirectoryPath);
        try
        {
            // FileShare.None is an exclusive flock on Unix: two gateways sharing one spool would publish and delete each other's records.
            _lockFile = new FileStream(Path.Combine(DirectoryPath, "spool.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The spool folder {DirectoryPath} is in use by another gateway process; give each gateway its own (Proxe:Spool:Directory).", ex);
        }

        Recover();
        OpenNextSegment(); // fails the start on a read-only or missing volume rather than at the first outage
        _writer = Task.Run(WriteLoopAsync);
    }

    public string DirectoryPath { get; }

    public SpoolStatus Current
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                var age = _entries.TryPeek(out var head) ? now - head.SpooledAt : TimeSpan.Zero;
                return new SpoolStatus(_entries.Count, _interactions, _bytes, age, _writable, IsFull(_interactions, _bytes, age));
            }
        }
    }

    /// <summary>Journals one request durably (fsync'd when this returns <see cref="SpoolAppendResult.Spooled"/>), or says the spool is full.</summary>
    /// <exception cref="SpoolUnavailableException">The disk refused the write.</exception>
    public async Task<SpoolAppendResult> AppendAsync(byte[] payload, int interactions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxPayload);
        var pending = new PendingAppend(payload, interactions, new TaskCompletionSource<SpoolAppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_appends.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(InteractionSpool));
        // Once queued the record is written whatever the caller does; the caller only stops waiting for the answer.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>After a failed write: whether the folder takes a file again (a probe file written, fsync'd and deleted).</summary>
    public bool ProbeWritable()
    {
        lock (_gate)
            if (_writable)
                return true;

        try
        {
            var probe = Path.Combine(DirectoryPath, "probe.tmp");
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(1);
                stream.Flush(flushToDisk: true);
            }

            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        lock (_gate)
            _writable = true;
        return true;
    }

    /// <summary>Completes when the spool holds a record (at once if it does).</summary>
    public Task WaitForRecordsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return _entries.Count > 0 ? Task.CompletedTask : _appended.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The oldest <paramref name="max"/> records, oldest first, read back from disk. Drain only.</summary>
    public IReadOnlyList<SpooledRecord> Peek(int max)
    {
        Entry[] entries;
        lock (_gate)
            entries = _entries.Take(max).ToArray();

        return entries.Select(Read).ToList();
    }

    /// <summary>Moves the spool's start past its oldest <paramref name="count"/> records, which the broker confirmed. Drain only.</summary>
    public void Advance(int count)
    {
        (long Segment, long Offset) start;
        lock (_gate)
        {
            for (var i = 0; i < count && _entries.TryDequeue(out var drained); i++)
            {
                _interactions -= drained.Interactions;
                _bytes -= drained.Size;
                _lastDrained = drained;
            }

            if (_entries.TryPeek(out var head))
                start = (head.Segment, head.Offset);
            else if (_lastDrained is { } last)
                start = (last.Segment, last.Offset + last.Size);
            else
                return;
        }

        WriteCheckpoint(start.Segment, start.Offset);
        foreach (var (number, path) in Segments().Where(s => s.Number < start.Segment))
        {
            if (_readers.Remove(number, out var reader))
                reader.Dispose();
            File.Delete(path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer;
        lock (_gate)
            CloseSegment();
        foreach (var reader in _readers.Values)
            reader.Dispose();
        _readers.Clear();
        await _lockFile.DisposeAsync();
    }

    private bool IsFull(int interactions, long bytes, TimeSpan oldestAge) =>
        interactions >= _options.MaxInteractions || bytes >= _options.MaxBytes || oldestAge >= _options.MaxAge;

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        while (await _appends.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var bytes = 0L;
            while (bytes < GroupCommitBytes && _appends.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                bytes += HeaderSize + pending.Payload.Length;
            }

            try
            {
                WriteBatch(batch);
            }
            catch (Exception ex)
            {
                // Keep the loop alive whatever happened: a dead writer would leave every later request waiting forever.
                foreach (var pending in batch)
                    pending.Completion.TrySetException(new SpoolUnavailableException(ex));
            }
        }
    }

    private void WriteBatch(List<PendingAppend> batch)
    {
        var now = _time.GetUtcNow();
        var accepted = new List<PendingAppend>(batch.Count);
        lock (_gate)
        {
            var interactions = _interactions;
            var bytes = _bytes;
            var oldest = _entries.TryPeek(out var head) ? head.SpooledAt : now;
            foreach (var pending in batch)
            {
                var size = HeaderSize + pending.Payload.Length;
                if (interactions + pending.Interactions > _options.MaxInteractions || bytes + size > _options.MaxBytes || now - oldest >= _options.MaxAge)
                {
                    pending.Completion.TrySetResult(SpoolAppendResult.Full);
                    continue;
                }

                accepted.Add(pending);
                interactions += pending.Interactions;
                bytes += size;
            }
        }

        if (accepted.Count == 0)
            return;

        var entries = new Entry[accepted.Count];
        try
        {
            var segment = SegmentForWriting();
            var header = new byte[HeaderSize];
            for (var i = 0; i < accepted.Count; i++)
            {
                var pending = accepted[i];
                entries[i] = new Entry(_segmentNumber, segment.Position, pending.Payload.Length, now, pending.Interactions);
                Frame(header, pending.Payload, now, pending.Interactions);
                segment.Write(header);
                segment.Write(pending.Payload);
            }

            segment.Flush(flushToDisk: true);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _writable = false;
                // Whatever part of the batch reached the file would hide every later record from recovery: start a new file.
                CloseSegment();
            }

            _logger.LogError("The spool at {Directory} cannot be written ({Error}): {Count} request(s) not spooled", DirectoryPath, ex.GetType().Name, accepted.Count);
            foreach (var pending in accepted)
                pending.Completion.TrySetException(new SpoolUnavailableException(ex));
            return;
        }

        TaskCompletionSource appended;
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                _entries.Enqueue(entry);
                _interactions += entry.Interactions;
                _bytes += entry.Size;
            }

            _writable = true;
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        appended.TrySetResult();
        foreach (var pending in accepted)
            pending.Completion.TrySetResult(SpoolAppendResult.Spooled);
    }

    private FileStream SegmentForWriting()
    {
        lock (_gate)
        {
            if (_segment is null || _segment.Length >= _options.SegmentBytes)
            {
                CloseSegment();
                OpenNextSegment();
            }

            return _segment!;
        }
    }

    private void OpenNextSegment()
    {
        var number = _segmentNumber + 1;
        _segment = new FileStream(SegmentPath(number), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);
        _segmentNumber = number;
    }

    private void CloseSegment()
    {
        try
        {
            _segment?.Dispose();
        }
        catch (IOException)
        {
            // Flushing the buffer of a failed write fails again; the file is left behind either way.
        }

        _segment = null;
    }

    private static void Frame(byte[] header, byte[] payload, DateTimeOffset spooledAt, int interactions)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(0), Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), spooledAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), interactions);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Checksum(header, payload));
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(header[8..20]);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }

    private SpooledRecord Read(Entry entry)
    {
        if (!_readers.TryGetValue(entry.Segment, out var handle))
        {
            handle = File.OpenHandle(SegmentPath(entry.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _readers[entry.Segment] = handle;
        }

        var frame = new byte[entry.Size];
        var read = 0;
        while (read < frame.Length)
        {
            var n = RandomAccess.Read(handle, frame.AsSpan(read), entry.Offset + read);
            if (n == 0)
                break;
            read += n;
        }

        var payload = frame.AsSpan(HeaderSize).ToArray();
        var intact = read == frame.Length && BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(20)) == Checksum(frame, payload);
        return new SpooledRecord(entry.SpooledAt, entry.Interactions, intact ? payload : null);
    }

    /// <summary>Rebuilds the index of what is still to publish: every intact record from the checkpoint on.</summary>
    private void Recover()
    {
        var checkpoint = ReadCheckpoint();
        var segments = Segments().ToList();
        foreach (var (number, path) in segments)
        {
            if (checkpoint is { } c && number < c.Segment)
            {
                File.Delete(path);
                continue;
            }

            Scan(number, path, checkpoint is { } start && start.Segment == number ? start.Offset : 0);
        }

        // Numbers only grow: a new file numbered below the checkpoint would be taken for drained on the next start.
        _segmentNumber = Math.Max(segments.Count > 0 ? segments[^1].Number : 0, checkpoint?.Segment ?? 0);
        if (_entries.Count == 0)
        {
            foreach (var (_, path) in segments)
                File.Delete(path);
        }
        else
        {
            _logger.LogWarning("The spool at {Directory} holds {Requests} request(s) ({Interactions} interactions) from before the restart, oldest spooled at {Oldest:O}; draining them",
                DirectoryPath, _entries.Count, _interactions, _entries.Peek().SpooledAt);
        }
    }

    private void Scan(long number, string path, long start)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024);
        var length = stream.Length;
        var offset = Math.Min(start, length);
        stream.Position = offset;
        var header = new byte[HeaderSize];
        while (offset < length)
        {
            var remaining = length - offset;
            if (remaining < HeaderSize || stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
                break;

            var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || payloadLength < 0 || payloadLength > MaxPayload || payloadLength > remaining - HeaderSize)
                break;

            var payload = new byte[payloadLength];
            if (stream.ReadAtLeast(payload, payloadLength, throwOnEndOfStream: false) < payloadLength
                || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(20)) != Checksum(header, payload))
                break;

            var entry = new Entry(number, offset, payloadLength,
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8))),
                BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16)));
            _entries.Enqueue(entry);
            _interactions += entry.Interactions;
            _bytes += entry.Size;
            offset += entry.Size;
        }

        if (offset < length)
            _logger.LogWarning("Spool segment {Segment}: ignored {Bytes} byte(s) from offset {Offset} that do not form a whole record (a write cut short by a crash, never acknowledged)",
                number, length - offset, offset);
    }

    private void WriteCheckpoint(long segment, long offset)
    {
        var bytes = new byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, segment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), Crc32.HashToUInt32(bytes.AsSpan(0, 16)));
        var temporary = Path.Combine(DirectoryPath, CheckpointFile + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(DirectoryPath, CheckpointFile), overwrite: true);
    }

    private (long Segment, long Offset)? ReadCheckpoint()
    {
        var path = Path.Combine(DirectoryPath, CheckpointFile);
        if (!File.Exists(path))
            return null;

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 20 || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)) != Crc32.HashToUInt32(bytes.AsSpan(0, 16)))
        {
            _logger.LogWarning("The spool's checkpoint is damaged; draining from its oldest file (already published requests may go out again, harmlessly)");
            return null;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
    }

    private IEnumerable<(long Number, string Path)> Segments() =>
        Directory.EnumerateFiles(DirectoryPath, "*" + SegmentExtension)
            .Select(path => (Parsed: long.TryParse(Path.GetFileNameWithoutExtension(path), out var number), Number: number, Path: path))
            .Where(s => s.Parsed)
            .Select(s => (s.Number, s.Path))
            .OrderBy(s => s.Number)
            .ToList();

    private string SegmentPath(long number) => Path.Combine(DirectoryPath, $"{number:D20}{SegmentExtension}");

    private readonly record struct Entry(long Segment, long Offset, int PayloadLength, DateTimeOffset SpooledAt, int Interactions)
    {
        public long Size => HeaderSize + PayloadLength;
    }

    private sealed record PendingAppend(byte[] Payload, int Interactions, TaskCompletionSource<SpoolAppendResult> Completion);
}
