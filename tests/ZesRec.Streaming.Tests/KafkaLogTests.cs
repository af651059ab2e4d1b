using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.Extensions.Logging;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// librdkafka's log goes through Microsoft.Extensions.Logging at librdkafka's own level, and a client's repeats are
/// held back to one line per window that says how many similar lines it stands for.
/// </summary>
public sealed partial class KafkaLogTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    // Kinds of message by words: digits are what the filter ignores.
    private static readonly string[] Kinds = ["connect failed", "metadata timed out", "broker down"];

    [Fact]
    public void Filter_should_write_a_repeat_once_per_window_and_then_count_what_it_held_back()
    {
        // Given a one-second window
        var clock = new ManualClock();
        var filter = new LogRepeatFilter(Window, clock);

        // When one client repeats a message (its numbers changing) within the window and after it
        var first = filter.Admit("client-1", "Connect to 127.0.0.1:41 failed (after 0ms in state CONNECT)");
        clock.Advance(TimeSpan.FromMilliseconds(400));
        var second = filter.Admit("client-1", "Connect to 127.0.0.1:41 failed (after 3ms in state CONNECT)");
        var otherClient = filter.Admit("client-2", "Connect to 127.0.0.1:41 failed (after 0ms in state CONNECT)");
        var otherMessage = filter.Admit("client-1", "Metadata request failed");
        clock.Advance(TimeSpan.FromMilliseconds(599));
        var third = filter.Admit("client-1", "Connect to 127.0.0.1:41 failed (after 1ms in state CONNECT)");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var fourth = filter.Admit("client-1", "Connect to 127.0.0.1:41 failed (after 0ms in state CONNECT)");

        // Then the first is written, the next two are held, and the first after the window reports both
        Assert.Equal(0, first);
        Assert.Null(second);
        Assert.Equal(0, otherClient);
        Assert.Equal(0, otherMessage);
        Assert.Null(third);
        Assert.Equal(2, fourth);
    }

    [Fact]
    public void Filter_should_never_write_a_message_twice_within_a_window_and_account_for_every_line()
    {
        var events = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 999], Gen.Int[0, 1500]).Array[1, 200];
        events.Sample(sequence =>
        {
            // Given a stream of messages of three clients, each with changing numbers, at random gaps
            var clock = new ManualClock();
            var filter = new LogRepeatFilter(Window, clock);
            var written = new Dictionary<string, DateTimeOffset>();
            var reported = 0;
            foreach (var (client, message, number, gapMs) in sequence)
            {
                clock.Advance(TimeSpan.FromMilliseconds(gapMs));
                var key = $"{client}/{message}";

                // When each is offered to the filter
                if (filter.Admit($"client-{client}", $"{Kinds[message]} after {number} ms") is { } held)
                {
                    // Then one written is at least a window after the last of its kind
                    Assert.True(!written.TryGetValue(key, out var last) || clock.GetUtcNow() - last >= Window);
                    written[key] = clock.GetUtcNow();
                    reported += held + 1;
                }
            }

            // And after a window more, one more line of each kind accounts for every line held back
            clock.Advance(Window);
            foreach (var key in written.Keys)
            {
                var parts = key.Split('/');
                reported += filter.Admit($"client-{parts[0]}", $"{Kinds[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)]} after 0 ms")!.Value + 1;
            }

            Assert.Equal(sequence.Length + written.Count, reported);
        });
    }

    [Fact]
    public async Task A_client_retrying_a_closed_port_should_log_at_its_level_once_per_window_with_a_count()
    {
        // Given a port nothing listens on, and librdkafka's log routed to a recording logger
        var port = ClosedPort();
        var recorder = new RecordingProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(recorder).SetMinimumLevel(LogLevel.Trace));
        var clientId = $"closed-port-{Guid.NewGuid():N}";
        TimeSpan elapsed;
        KafkaLog.Use(factory, Window);
        try
        {
            // When a producer retries it for at least three seconds, reconnecting every few milliseconds (longer, up
            // to ten, while a busy machine lets it make fewer attempts than the lines it has written)
            var settings = KafkaSettings.Create($"127.0.0.1:{port}").WithClientId(clientId)
                .WithProperty("reconnect.backoff.ms", "5").WithProperty("reconnect.backoff.max.ms", "20");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (new KafkaProducer(settings))
            {
                do
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                }
                while (clock.Elapsed < TimeSpan.FromSeconds(3) || (clock.Elapsed < TimeSpan.FromSeconds(10) && !HeldBackMore(Failures(recorder, clientId))));
            }

            elapsed = clock.Elapsed;
        }
        finally
        {
            KafkaLog.Reset();
        }

        // Then its connection failures were logged as errors under the Kafka category, naming the client
        var lines = ClientLines(recorder, clientId);
        var failures = Failures(recorder, clientId);
        Assert.NotEmpty(failures);
        Assert.All(failures, l => Assert.Equal((KafkaLog.Category, LogLevel.Error), (l.Category, l.Level)));

        // And no kind of line was written more than once a second (at most one more than the whole seconds it ran),
        // and the lines after the first of a kind stand for more than themselves
        var most = (int)Math.Ceiling(elapsed / Window) + 1;
        foreach (var kind in lines.GroupBy(l => Digits().Replace(l.Message, "#")))
        {
            Assert.True(kind.Count() <= most, $"{kind.Count()} lines in {elapsed.TotalSeconds:F1} s of: {kind.Key}");
        }

        Assert.True(HeldBackMore(failures), $"{failures.Count} failure lines stood for only {HeldBack(failures)} held back:\n{string.Join('\n', lines.Select(l => l.Message))}");
    }

    private static List<Line> ClientLines(RecordingProvider recorder, string clientId) =>
        [.. recorder.Lines.Where(l => l.Message.Contains(clientId, StringComparison.Ordinal))];

    private static List<Line> Failures(RecordingProvider recorder, string clientId) =>
        [.. ClientLines(recorder, clientId).Where(l => l.Message.Contains("Connection refused", StringComparison.Ordinal))];

    private static int HeldBack(List<Line> failures) =>
        failures.Select(l => SuppressedCount().Match(l.Message)).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static bool HeldBackMore(List<Line> failures) => HeldBack(failures) > failures.Count;

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\((\d+) similar line\(s\) suppressed\)")]
    private static partial Regex SuppressedCount();

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }

    private sealed record Line(string Category, LogLevel Level, string Message);

    private sealed class RecordingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Line> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentQueue<Line> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(new Line(category, logLevel, formatter(state, exception)));
        }
    }
}
