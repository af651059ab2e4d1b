namespace ZesRec.Text.Tests;

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("zesrec-text-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
