using System.Runtime.InteropServices;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// When the configured model folder is a symbolic link (<c>models/current</c>), points it at a promoted model in one
/// rename, so that <c>zesrec serve --model models/current</c>, restarted after the switch, loads the model that serves.
/// </summary>
internal static class ModelLink
{
    public static void Repoint(string link, string target, TextWriter log)
    {
        var path = Path.TrimEndingDirectorySeparator(link);
        if (new FileInfo(path).LinkTarget is null)
        {
            return;
        }

        var next = path + ".next";
        File.Delete(next);
        Directory.CreateSymbolicLink(next, Path.GetFullPath(target));
        // rename(2) replaces the old link atomically; File.Move refuses a destination that resolves to a folder.
        if (Rename(next, path) != 0)
        {
            throw new IOException($"could not point {path} at {target}: error {Marshal.GetLastPInvokeError()}");
        }

        log.WriteLine($"zesrec adapt: {path} now points at {target}");
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
}
