namespace ZesRec.Streaming.Pipeline;

/// <summary>A failure and its causes: inner exceptions and every exception of an aggregate, at most 32.</summary>
internal static class ExceptionChain
{
    public static IEnumerable<Exception> Of(Exception failure)
    {
        var pending = new Stack<Exception>([failure]);
        var seen = 0;
        while (pending.TryPop(out var e) && seen++ < 32)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
