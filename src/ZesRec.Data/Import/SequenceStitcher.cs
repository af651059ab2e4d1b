namespace ZesRec.Data.Import;

/// <summary>
/// Rebuilds one user's item sequence from RecBole rows, each a window (history + target) of that sequence.
/// Rows are cut to the last 50 items, so for long histories the <c>.test.inter</c> row is not the whole
/// sequence: earlier windows reach further back, and each is prepended where it overlaps.
/// </summary>
internal static class SequenceStitcher
{
    /// <summary>The stitched sequence and the windows that fit nowhere in it.</summary>
    public static (int[] Sequence, List<T> Unplaced) Stitch<T>(IReadOnlyList<(int[] Window, T Tag)> windows)
    {
        // The longest window is the best seed; on ties the first one given (callers pass the test row first).
        var seed = windows[0].Window;
        foreach (var (w, _) in windows)
        {
            if (w.Length > seed.Length)
            {
                seed = w;
            }
        }

        var sequence = seed;
        var pending = windows.Where(w => !Contains(sequence, w.Window)).ToList();
        while (pending.Count > 0)
        {
            // The window starting just before the current sequence overlaps it the most: prepend its head.
            var bestShift = int.MaxValue;
            int[]? best = null;
            foreach (var (w, _) in pending)
            {
                var shift = ShiftBefore(sequence, w);
                if (shift < bestShift)
                {
                    bestShift = shift;
                    best = w;
                }
            }

            if (best is null)
            {
                break;
            }

            sequence = [.. best.AsSpan(0, bestShift), .. sequence];
            pending.RemoveAll(w => Contains(sequence, w.Window));
        }

        return (sequence, pending.Select(p => p.Tag).ToList());
    }

    /// <summary>Smallest d &gt; 0 such that window[d..] is a prefix of sequence, or int.MaxValue.</summary>
    private static int ShiftBefore(int[] sequence, int[] window)
    {
        for (var d = 1; d < window.Length; d++)
        {
            var overlap = window.Length - d;
            if (overlap <= sequence.Length && window.AsSpan(d).SequenceEqual(sequence.AsSpan(0, overlap)))
            {
                return d;
            }
        }

        return int.MaxValue;
    }

    private static bool Contains(int[] sequence, int[] window)
    {
        if (window.Length > sequence.Length)
        {
            return false;
        }

        var span = sequence.AsSpan();
        for (var start = 0; start + window.Length <= sequence.Length; start++)
        {
            if (span.Slice(start, window.Length).SequenceEqual(window))
            {
                return true;
            }
        }

        return false;
    }
}
