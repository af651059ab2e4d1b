using System.Globalization;

namespace ZesRec.Streaming.Bench;

/// <summary>This process's garbage collections over a phase: how many of each generation and their total pause.</summary>
public static class GcStats
{
    public static (int Gen0, int Gen1, int Gen2, TimeSpan Paused) Snapshot() =>
        (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static string Describe((int Gen0, int Gen1, int Gen2, TimeSpan Paused) before, (int Gen0, int Gen1, int Gen2, TimeSpan Paused) after) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{after.Gen0 - before.Gen0} gen0, {after.Gen1 - before.Gen1} gen1, {after.Gen2 - before.Gen2} gen2 collections; paused {(after.Paused - before.Paused).TotalMilliseconds:F0} ms in all; heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} MiB");
}
