namespace ZesRec.Evaluation.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedData(string relative) => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", relative));

    private static string FindRoot()
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
