using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>The lines a child process wrote (stdout and stderr together): the last 200, or all of them.</summary>
internal sealed class OutputTail
{
    private readonly Queue<string> lines = new();
    private readonly int? kept;

    private OutputTail(int? kept) => this.kept = kept;

    /// <summary>Starts reading both streams of <paramref name="process"/> (started with both redirected); null <paramref name="kept"/> keeps every line.</summary>
    public static OutputTail Follow(Process process, int? kept = 200)
    {
        var tail = new OutputTail(kept);
        process.OutputDataReceived += (_, e) => tail.Add(e.Data);
        process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    public string All
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
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
            if (lines.Count > kept)
            {
                lines.Dequeue();
            }
        }
    }
}
