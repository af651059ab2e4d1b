using System.Globalization;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// CPU by process/thread group and this process's GC pause, sampled twice a second through a phase, so that
/// the seconds in which events stalled can be matched with what was running then.
/// </summary>
public sealed class PhaseSampler : IDisposable
{
    private readonly List<(DateTime At, CpuSnapshot Cpu, TimeSpan GcPause, int Gen2)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public PhaseSampler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "bench-sampler" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sample = (DateTime.UtcNow, CpuAccounting.Snapshot(), GC.GetTotalPauseDuration(), GC.CollectionCount(2));
            lock (_samples)
            {
                _samples.Add(sample);
            }

            _stop.Token.WaitHandle.WaitOne(500);
        }
    }

    /// <summary>For each second (counted from <paramref name="origin"/>): the CPU used in it, top three, and the GC pause.</summary>
    public string Describe(DateTime origin, IEnumerable<int> seconds)
    {
        List<(DateTime At, CpuSnapshot Cpu, TimeSpan GcPause, int Gen2)> samples;
        lock (_samples)
        {
            samples = [.. _samples];
        }

        var lines = new List<string>();
        foreach (var s in seconds)
        {
            var from = samples.LastOrDefault(x => x.At <= origin.AddSeconds(s));
            var to = samples.FirstOrDefault(x => x.At >= origin.AddSeconds(s + 1));
            if (from.Cpu is null || to.Cpu is null)
            {
                continue;
            }

            var wall = (to.At - from.At).TotalSeconds;
            var top = CpuAccounting.Deltas(from.Cpu, to.Cpu).Take(3);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"s{s} ({wall:F1} s sampled): {string.Join(", ", top.Select(x => $"{x.Who} {x.Seconds:F2}"))}; GC pause {(to.GcPause - from.GcPause).TotalMilliseconds:F0} ms, gen2 +{to.Gen2 - from.Gen2}"));
        }

        return lines.Count == 0 ? "none" : string.Join("; ", lines);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
