using System.Globalization;

namespace ZesRec.Data;

/// <summary>Unix seconds as instants; what lies outside years 0001 to 9999 is a bad row, not a crash.</summary>
public static class UnixTime
{
    public static long MinSeconds { get; } = DateTimeOffset.MinValue.ToUnixTimeSeconds();

    public static long MaxSeconds { get; } = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>The instant, or null with <paramref name="problem"/> set when it is out of range.</summary>
    public static DateTimeOffset? FromSeconds(long seconds, out string? problem)
    {
        if (seconds < MinSeconds || seconds > MaxSeconds)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"timestamp {seconds} is outside unix seconds {MinSeconds}..{MaxSeconds} (years 0001 to 9999)");
            return null;
        }

        problem = null;
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
