namespace ZesRec.Text.Tests;

/// <summary>One loaded model per test class: loading the 90 MB graph dominates a small test.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEncoder Mean { get; } = new();

    public MiniLmEncoder Cls { get; } = new(pooling: Pooling.Cls);

    public void Dispose()
    {
        Mean.Dispose();
        Cls.Dispose();
    }
}
