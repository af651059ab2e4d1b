namespace ZesRec.Cli.Commands;

/// <summary>Reports on the caller's thread; <see cref="Progress{T}"/> would post to the thread pool and reorder lines.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
