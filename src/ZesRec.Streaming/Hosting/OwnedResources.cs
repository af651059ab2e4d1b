namespace ZesRec.Streaming.Hosting;

/// <summary>
/// What a long-lived object created and must release: disposed in reverse order of creation, each one even when
/// an earlier one throws (the first exception is rethrown after all are done).
/// </summary>
internal sealed class OwnedResources : IAsyncDisposable
{
    private readonly Stack<object> resources = new();

    public T Add<T>(T resource)
        where T : notnull
    {
        resources.Push(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        Exception? first = null;
        while (resources.TryPop(out var resource))
        {
            try
            {
                if (resource is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync();
                }
                else if (resource is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }
}
