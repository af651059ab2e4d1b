using System.Globalization;
using System.Runtime.InteropServices;

namespace ZesRec.Cli.Commands;

/// <summary>
/// Lowers every thread of this process to nice 10, so a training beside the processor takes only the CPU the
/// processor leaves. On Linux the nice value belongs to each thread, and a new thread takes its creator's: setting
/// the threads that exist now covers those started later too.
/// </summary>
internal static class LowPriority
{
    public const int Nice = 10;

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            // A thread that ended meanwhile is skipped; failing to lower the priority is not worth stopping for.
            _ = SetPriority(0, int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), Nice);
        }
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int priority);
}
