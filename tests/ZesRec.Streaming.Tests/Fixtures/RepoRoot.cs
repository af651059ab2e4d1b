namespace ZesRec.Streaming.Tests.Fixtures;

internal static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZesRec.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ZesRec.Streaming.sln above {AppContext.BaseDirectory}");
    }
}
