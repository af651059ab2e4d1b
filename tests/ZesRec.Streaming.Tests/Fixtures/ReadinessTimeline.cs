using System.Diagnostics;
using System.Net;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>Polls a processor's /ready every 100 ms in the background and keeps every answer with its time.</summary>
internal sealed class ReadinessTimeline : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly HttpClient http;
    private readonly Stopwatch clock;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly List<ReadinessSample> samples = [];
    private readonly Task polling;

    public ReadinessTimeline(StreamingProcessor processor, Stopwatch clock)
    {
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{processor.MetricsPort}"), Timeout = TimeSpan.FromSeconds(2) };
        this.clock = clock;
        polling = Task.Run(PollAsync);
    }

    /// <summary>The answers between two times (on the test's clock).</summary>
    public IReadOnlyList<ReadinessSample> Between(TimeSpan from, TimeSpan to)
    {
        lock (gate)
        {
            return [.. samples.Where(s => s.At >= from && s.At <= to)];
        }
    }

    /// <summary>
    /// When /ready turned 200 for good after <paramref name="from"/>: the first 200 after the last other answer up to
    /// <paramref name="stableUntil"/> (a consumer that reconnects may look ready for a moment before it rejoins its
    /// group). Null when it was not 200 at the end of that window.
    /// </summary>
    public TimeSpan? ReadyForGood(TimeSpan from, TimeSpan stableUntil)
    {
        var window = Between(from, stableUntil);
        if (window.Count == 0 || window[^1].Status != HttpStatusCode.OK)
        {
            return null;
        }

        var lastNotReady = window.LastOrDefault(s => s.Status != HttpStatusCode.OK);
        return window.First(s => s.Status == HttpStatusCode.OK && (lastNotReady is null || s.At > lastNotReady.At)).At;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        http.Dispose();
        stop.Dispose();
    }

    private async Task PollAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            ReadinessSample sample;
            try
            {
                using var response = await http.GetAsync("/ready", stop.Token);
                sample = new(clock.Elapsed, response.StatusCode, (await response.Content.ReadAsStringAsync(stop.Token)).Trim());
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                sample = new(clock.Elapsed, null, "no answer: " + e.Message);
            }

            lock (gate)
            {
                samples.Add(sample);
            }

            try
            {
                await Task.Delay(Interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>One answer of /ready; a null status when the endpoint did not answer.</summary>
internal sealed record ReadinessSample(TimeSpan At, HttpStatusCode? Status, string Body);
