using System.Globalization;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// CPU seconds used so far, split by who used them: this process by thread name (libtorch's OpenMP workers, .NET
/// pool threads, librdkafka's threads, ...), the development broker and PostgreSQL. Two snapshots around a phase
/// show where its CPU went, which is what bounds throughput on a 2-core machine. Threads and processes that end
/// between two snapshots keep their share: this process's threads are tracked one by one, and what the process used
/// beyond its threads alive at both snapshots and those started between them is what threads that exited used in
/// between; PostgreSQL's exited backends and workers are counted from the postmaster's reaped-children time.
/// </summary>
public static class CpuAccounting
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static CpuSnapshot Snapshot()
    {
        var threads = new Dictionary<string, (string Group, double Seconds)>(StringComparer.Ordinal);
        var live = 0.0;
        foreach (var task in SafeDirectories($"/proc/{Environment.ProcessId}/task"))
        {
            if (Read(Path.Combine(task, "stat")) is { } stat)
            {
                threads[Path.GetFileName(task)] = ("bench: " + Group(stat.Name), stat.Seconds);
                live += stat.Seconds;
            }
        }

        var processes = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string who, double seconds) => processes[who] = processes.GetValueOrDefault(who) + seconds;
        foreach (var process in SafeDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            if (Path.GetFileName(process) == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) || Read(Path.Combine(process, "stat")) is not { } stat)
            {
                continue;
            }

            if (stat.Name == "postgres")
            {
                Add("postgres", stat.Seconds + stat.Children);
            }
            else if (CommandLine(process).Contains("zesrec-devbroker", StringComparison.Ordinal))
            {
                Add("dev broker", stat.Seconds);
            }
        }

        var own = Read($"/proc/{Environment.ProcessId}/stat")?.Seconds ?? live;
        return new CpuSnapshot(own, threads, processes);
    }

    /// <summary>
    /// CPU-seconds used between two snapshots, by who used them, largest first. A thread alive at both counts what it
    /// used in between, one started in between all it used; whatever else this process used went to threads that
    /// exited in between.
    /// </summary>
    public static List<(string Who, double Seconds)> Deltas(CpuSnapshot before, CpuSnapshot after)
    {
        var used = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string who, double seconds) => used[who] = used.GetValueOrDefault(who) + Math.Max(0, seconds);

        var threads = 0.0;
        foreach (var (tid, (group, seconds)) in after.Threads)
        {
            var delta = seconds - (before.Threads.TryGetValue(tid, out var earlier) ? earlier.Seconds : 0);
            Add(group, delta);
            threads += Math.Max(0, delta);
        }

        Add("bench: exited threads", after.Process - before.Process - threads);
        foreach (var (who, seconds) in after.Processes)
        {
            Add(who, seconds - before.Processes.GetValueOrDefault(who));
        }

        return [.. used.Select(kv => (Who: kv.Key, Seconds: kv.Value)).OrderByDescending(d => d.Seconds)];
    }

    /// <summary>CPU-seconds used between two snapshots by everything they cover (this process, the broker, PostgreSQL).</summary>
    public static double Total(CpuSnapshot before, CpuSnapshot after) =>
        Deltas(before, after).Sum(d => d.Seconds);

    /// <summary>"who 12.3 s (45 %)" for every part of <paramref name="after"/> − <paramref name="before"/>, largest first.</summary>
    public static string Describe(CpuSnapshot before, CpuSnapshot after, double wallSeconds)
    {
        var delta = Deltas(before, after).Where(d => d.Seconds >= 0.05).ToList();
        var total = delta.Sum(d => d.Seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{total:F1} CPU-s in {wallSeconds:F1} s wall ({total / wallSeconds:F2} cores): ")
            + string.Join(", ", delta.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Who} {d.Seconds:F1} s ({d.Seconds / total:P0})")));
    }

    // Thread names carry numbers (".NET TP Worker", "rdk:broker1"); group them by their stem.
    private static string Group(string name) => name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '#').Trim() switch
    {
        "" => "other",
        "dotnet" or "zesrec" or "ZesRec.Streamin" => "main + libtorch OpenMP",
        var stem => stem,
    };

    // Seconds: the task's own user + system time; Children: that of its reaped children (a process's stat only).
    private static (string Name, double Seconds, double Children)? Read(string statFile)
    {
        try
        {
            var text = File.ReadAllText(statFile);
            var open = text.IndexOf('(', StringComparison.Ordinal);
            var close = text.LastIndexOf(')');
            var fields = text[(close + 2)..].Split(' ');
            // After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based over the whole line).
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return (text[(open + 1)..close], (Field(14) + Field(15)) / TicksPerSecond, (Field(16) + Field(17)) / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string CommandLine(string process)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static IEnumerable<string> SafeDirectories(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

/// <summary>
/// CPU-seconds used so far: by this process in all (<paramref name="Process"/>), by each of its live threads (by
/// thread id, with the group its name falls in), and by the other processes watched (the broker, PostgreSQL).
/// </summary>
public sealed record CpuSnapshot(double Process, IReadOnlyDictionary<string, (string Group, double Seconds)> Threads, IReadOnlyDictionary<string, double> Processes);
