using System.Text.RegularExpressions;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// Lets a source's same message through at most once per window and counts what it held back, so that a client
/// retrying a dead broker many times a second writes a line every few seconds instead. Messages that differ only
/// in their numbers (ports, milliseconds, counts) are the same message. Thread-safe.
/// </summary>
public sealed partial class LogRepeatFilter(TimeSpan window, TimeProvider clock)
{
    // Bounds the memory of a long run that logs many distinct messages: entries older than the window are forgotten.
    private const int Remembered = 1_000;
    private readonly Dictionary<string, (DateTimeOffset Written, int Held)> _seen = new(StringComparer.Ordinal);

    public TimeSpan Window => window;

    /// <summary>
    /// Null when the message is held back; else the number of similar messages of <paramref name="source"/> held back
    /// since the last one written, which the caller reports with this one.
    /// </summary>
    public int? Admit(string source, string message)
    {
        var key = source + "\n" + Digits().Replace(message, "#");
        var now = clock.GetUtcNow();
        lock (_seen)
        {
            if (_seen.TryGetValue(key, out var last) && now - last.Written < window)
            {
                _seen[key] = (last.Written, last.Held + 1);
                return null;
            }

            if (_seen.Count >= Remembered)
            {
                foreach (var old in _seen.Where(e => now - e.Value.Written >= window).Select(e => e.Key).ToList())
                {
                    _seen.Remove(old);
                }
            }

            _seen[key] = (now, 0);
            return last.Held;
        }
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
