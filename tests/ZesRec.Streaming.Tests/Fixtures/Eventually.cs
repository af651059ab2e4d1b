namespace ZesRec.Streaming.Tests.Fixtures;

internal static class Eventually
{
    /// <summary>Polls until the condition holds; false when the time is up.</summary>
    public static Task<bool> HoldsAsync(Func<bool> condition, TimeSpan within) => HoldsAsync(() => Task.FromResult(condition()), within);

    /// <summary>Polls an asynchronous condition (e.g. an HTTP probe) until it holds; false when the time is up.</summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
