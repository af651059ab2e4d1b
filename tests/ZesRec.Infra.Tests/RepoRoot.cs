namespace ZesRec.Infra.Tests;

internal static class RepoRoot
{
    /// <summary>The folder holding ZesRec.Streaming.sln, found upwards from the test binaries.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZesRec.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ZesRec.Streaming.sln not found above " + AppContext.BaseDirectory);
    }
}
