using System.Runtime.InteropServices;

namespace Proxe.Bench.Load;

/// <summary>
/// Sleeps to well under a millisecond on Linux and macOS. <see cref="Thread.Sleep(int)"/> counts whole milliseconds,
/// coarser than the 0.6 ms between posts at the webhooks' half rate.
/// </summary>
static class PreciseSleep
{
    public static void For(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            return;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            // Rounded up: a sleep of 0 ms would have the caller spin until the post is due.
            Thread.Sleep((int)Math.Ceiling(duration.TotalMilliseconds));
            return;
        }
        // A signal may end the sleep early; the caller measures again.
        var request = new Timespec { Seconds = duration.Ticks / TimeSpan.TicksPerSecond, Nanoseconds = duration.Ticks % TimeSpan.TicksPerSecond * 100 };
        nanosleep(in request, IntPtr.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc")]
    static extern int nanosleep(in Timespec request, IntPtr remaining);
}
