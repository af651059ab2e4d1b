using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>The last lines a child process wrote (stdout and stderr together), for failure messages.</summary>
internal sealed class OutputTail
{
    private const int Kept = 200;
    private readonly Queue<string> lines = new();

    /// <summary>Starts reading both streams of <paramref name="process"/> (started with both redirected).</summary>
    public static OutputTail Follow(Process process)
    {
        var tail = new OutputTail();
        process.OutputDataReceived += (_, e) => tail.Add(e.Data);
        process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    public string Last(int count)
    {
        lock (lines)
        {
            return string.Join('\n', lines.TakeLast(count));
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Enqueue(line);
            if (lines.Count > Kept)
            {
                lines.Dequeue();
            }
        }
    }
}
