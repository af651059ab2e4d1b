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

    // Keys of one thread of this process ("\u0001tid\u0001group") and of the process's own total; other keys are
    // whole processes.
    private const char Hidden = '\u0001';
    private const string ProcessKey = "\u0001process";
    private const string Exited = "bench: exited threads";

    public static Dictionary<string, double> Snapshot()
    {
        var used = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string who, double seconds) => used[who] = used.GetValueOrDefault(who) + seconds;

        foreach (var task in SafeDirectories($"/proc/{Environment.ProcessId}/task"))
        {
            if (Read(Path.Combine(task, "stat")) is { } stat)
            {
                used[$"{Hidden}{Path.GetFileName(task)}{Hidden}bench: {Group(stat.Name)}"] = stat.Seconds;
            }
        }

        if (Read($"/proc/{Environment.ProcessId}/stat") is { } own)
        {
            used[ProcessKey] = own.Seconds;
        }

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

        return used;
    }

    /// <summary>
    /// CPU-seconds used between two snapshots, by who used them, largest first. A thread alive at both counts what it
    /// used in between, one started in between all it used; whatever else the process used went to threads that
    /// exited in between.
    /// </summary>
    public static List<(string Who, double Seconds)> Deltas(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var used = new Dictionary<string, double>(StringComparer.Ordinal);
        var threads = 0.0;
        foreach (var (key, value) in after)
        {
            var delta = Math.Max(0, value - before.GetValueOrDefault(key));
            if (key == ProcessKey)
            {
                continue;
            }

            if (key[0] == Hidden)
            {
                threads += delta;
                var group = key[(key.IndexOf(Hidden, 1) + 1)..];
                used[group] = used.GetValueOrDefault(group) + delta;
            }
            else
            {
                used[key] = used.GetValueOrDefault(key) + delta;
            }
        }

        if (after.TryGetValue(ProcessKey, out var processAfter) && before.TryGetValue(ProcessKey, out var processBefore))
        {
            used[Exited] = Math.Max(0, processAfter - processBefore - threads);
        }

        return [.. used.Select(kv => (Who: kv.Key, Seconds: kv.Value)).OrderByDescending(d => d.Seconds)];
    }

    /// <summary>CPU-seconds used between two snapshots by everything they cover (this process, the broker, PostgreSQL).</summary>
    public static double Total(Dictionary<string, double> before, Dictionary<string, double> after) =>
        Deltas(before, after).Sum(d => d.Seconds);

    /// <summary>"who 12.3 s (45 %)" for every part of <paramref name="after"/> − <paramref name="before"/>, largest first.</summary>
    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after, double wallSeconds)
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
