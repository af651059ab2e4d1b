using System.Diagnostics;
using System.Text;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>A thread-safe log writer that keeps each line with the time it was written, on the test's clock.</summary>
internal sealed class TimedLog(Stopwatch clock) : TextWriter
{
    private readonly Lock gate = new();
    private readonly List<(TimeSpan At, string Line)> lines = [];
    private readonly StringBuilder current = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<(TimeSpan At, string Line)> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n')
            {
                EndLine();
            }
            else if (value != '\r')
            {
                current.Append(value);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (gate)
        {
            current.Append(value);
            EndLine();
        }
    }

    private void EndLine()
    {
        lines.Add((clock.Elapsed, current.ToString()));
        current.Clear();
    }
}
