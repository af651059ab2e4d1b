using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>A processor running in this process in the background until disposed.</summary>
public sealed class RunningProcessor : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly CancellationTokenSource stop = new();
    private Task run = Task.CompletedTask;

    private RunningProcessor(StreamingProcessor processor) => Processor = processor;

    public StreamingProcessor Processor { get; }

    /// <summary>False once the run loop ended, which it only does when stopped.</summary>
    public bool IsRunning => !run.IsCompleted;

    public static async Task<RunningProcessor> StartAsync(ServeOptions options)
    {
        var running = new RunningProcessor(StreamingProcessor.Create(options, TextWriter.Null));
        running.run = Task.Run(() => running.Processor.RunAsync(running.stop.Token));
        Assert.True(await Eventually.HoldsAsync(() => running.Processor.Ready || running.run.IsCompleted, Patience), "processor never became ready");
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await run;
        await Processor.DisposeAsync();
        stop.Dispose();
    }
}
