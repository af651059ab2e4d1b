using System.Runtime.InteropServices;

namespace ZesRec.Data;

/// <summary>
/// Writes a folder that users depend on (a dataset, a model) so that readers see either the old folder or the
/// complete new one: the content goes into a temporary sibling, which then takes the folder's place in one rename.
/// If writing fails, the temporary folder is removed and the existing folder is left as it was.
/// </summary>
public static partial class AtomicFolder
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    /// <summary>
    /// Calls <paramref name="write"/> with an empty temporary folder beside <paramref name="dir"/>, then puts it in
    /// place of <paramref name="dir"/>. <paramref name="replaceable"/> says whether an existing, non-empty folder may
    /// be replaced (for example: only if it holds a dataset), so a typo cannot wipe an unrelated folder.
    /// </summary>
    public static void Write(string dir, Action<string> write, Func<string, bool> replaceable, string kind)
    {
        if (Refusal(dir, replaceable, kind) is { } refusal)
        {
            throw new IOException(refusal);
        }

        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.tmp-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
            Replace(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>Why <see cref="Write"/> would refuse <paramref name="dir"/>, as one sentence; null when it would not. Lets a job check its output folder before hours of work.</summary>
    public static string? Refusal(string dir, Func<string, bool> replaceable, string kind)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        if (Path.GetDirectoryName(target) is null)
        {
            return $"'{dir}' has no parent folder; choose a {kind} folder below it";
        }

        if (File.Exists(target))
        {
            return $"'{target}' is a file, not a folder; refusing to replace it with a {kind} folder";
        }

        return Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !replaceable(target)
            ? $"'{target}' exists and is not a {kind} folder; refusing to replace it"
            : null;
    }

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>; afterwards the old target is gone.</summary>
    private static void Replace(string source, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(source, target);
            return;
        }

        // rename(2) cannot replace a non-empty folder; Linux swaps two folders in one step (renameat2 with
        // RENAME_EXCHANGE), after which the old content sits at the temporary path and is removed with it.
        if (OperatingSystem.IsLinux() && TryExchange(source, target))
        {
            return;
        }

        // Elsewhere (or on a file system without the exchange): two renames, with a short window without the folder.
        var old = $"{target}.old-{Guid.NewGuid():N}";
        Directory.Move(target, old);
        Directory.Move(source, target);
        Directory.Delete(old, recursive: true);
    }

    private static bool TryExchange(string a, string b)
    {
        try
        {
            return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
}
