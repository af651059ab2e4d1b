using System.Diagnostics;

namespace ZesRec.Streaming.Replay;

/// <summary>
/// Paces to <c>rate</c> tokens per second with bursts of at most <c>burst</c>. A take may overdraw the bucket and
/// then sleeps off the debt, so timer granularity (about 1 ms) and oversleeping even out instead of adding up.
/// The bucket holds up to <c>burst</c> tokens but starts with <c>initial</c>: headroom above one take keeps the
/// tokens of an overslept wait instead of losing them to the cap.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _tokens;
    private double _lastRefill;

    public TokenBucket(double rate, int burst, int initial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initial);
        _rate = rate;
        _burst = burst;
        _tokens = Math.Min(initial, burst);
    }

    public async ValueTask TakeAsync(int count, CancellationToken cancellationToken)
    {
        var now = _clock.Elapsed.TotalSeconds;
        _tokens = Math.Min(_burst, _tokens + ((now - _lastRefill) * _rate));
        _lastRefill = now;
        _tokens -= count;
        if (_tokens < 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(-_tokens / _rate), cancellationToken);
        }
    }
}
