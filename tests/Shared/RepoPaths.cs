namespace ZesRec.Tests.Shared;

/// <summary>Where tests find the repository and the shared datasets (compiled into every test project).</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding ZesRec.Streaming.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// A path under the read-only shared datasets: $ZESREC_DATA_ROOT (test.sh sets it, see infra/dev/lib.sh), else
    /// ../shared/data beside the repository.
    /// </summary>
    public static string SharedData(string relative) =>
        Path.GetFullPath(Path.Combine(Environment.GetEnvironmentVariable("ZESREC_DATA_ROOT") is { Length: > 0 } data ? data : Path.Combine(Root, "..", "shared", "data"), relative));

    public static string Schema(string file) => Path.Combine(Root, "schemas", "dataset", file);

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
