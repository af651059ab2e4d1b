using System.Globalization;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// How long threads were runnable but waited for a CPU (the kernel's run delay, /proc/PID/task/TID/schedstat), for
/// this process and the development broker, and the system's CPU pressure (/proc/pressure/cpu, share of time some task
/// waited), sampled every 100 ms. A stall in which the processor's threads waited for a CPU for about as long as the
/// stall lasted is CPU starvation from other work; one in which they did not is a wait of our own.
/// </summary>
public sealed class RunDelaySampler : IDisposable
{
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly int? _brokerPid;
    private readonly ThreadWaits _bench = new();
    private readonly ThreadWaits _broker = new();

    public readonly record struct Sample(DateTime At, double BenchWaitS, double BrokerWaitS, double PressureS);

    public RunDelaySampler()
    {
        _brokerPid = FindBroker();
        _thread = new Thread(Run) { IsBackground = true, Name = "bench-rundelay" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sample = new Sample(DateTime.UtcNow, _bench.Add(Environment.ProcessId), _brokerPid is { } b ? _broker.Add(b) : 0, PressureSeconds());
            lock (_samples)
            {
                _samples.Add(sample);
            }

            _stop.Token.WaitHandle.WaitOne(100);
        }
    }

    /// <summary>Run delay (seconds) of this process and of the broker, and the CPU-pressure seconds, between two times.</summary>
    public (double Bench, double Broker, double Pressure, double Wall) Between(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            var first = _samples.LastOrDefault(s => s.At <= from);
            var last = _samples.FirstOrDefault(s => s.At >= to);
            if (first.At == default || last.At == default)
            {
                return (double.NaN, double.NaN, double.NaN, 0);
            }

            return (last.BenchWaitS - first.BenchWaitS, last.BrokerWaitS - first.BrokerWaitS, last.PressureS - first.PressureS, (last.At - first.At).TotalSeconds);
        }
    }

    /// <summary>
    /// A process's run delay so far, counted thread by thread: a thread that ends takes its total out of the
    /// process's sum, so the sum of the live threads' totals can go down; adding each thread's growth cannot.
    /// </summary>
    private sealed class ThreadWaits
    {
        private Dictionary<string, long> _last = [];
        private long _totalNs;

        public double Add(int pid)
        {
            var now = new Dictionary<string, long>();
            try
            {
                foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
                {
                    try
                    {
                        var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                        now[task] = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                    {
                        // A thread that ended between listing and reading.
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return double.NaN;
            }

            foreach (var (task, ns) in now)
            {
                _totalNs += Math.Max(0, ns - _last.GetValueOrDefault(task));
            }

            _last = now;
            return _totalNs / 1e9;
        }
    }

    private static double PressureSeconds()
    {
        try
        {
            var some = File.ReadLines("/proc/pressure/cpu").First(l => l.StartsWith("some", StringComparison.Ordinal));
            var total = some.Split(' ').First(f => f.StartsWith("total=", StringComparison.Ordinal));
            return long.Parse(total["total=".Length..], CultureInfo.InvariantCulture) / 1e6;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return double.NaN;
        }
    }

    private static int? FindBroker()
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var port = Environment.GetEnvironmentVariable("ZESREC_KAFKA_PORT");
                if (commandLine.Contains("zesrec-devbroker", StringComparison.Ordinal) && (port is null || commandLine.Contains("\0" + port + "\0", StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended while the list was read.
            }
        }

        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
