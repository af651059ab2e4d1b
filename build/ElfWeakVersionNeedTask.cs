// Compiled by MSBuild's RoslynCodeTaskFactory (see build/TorchSharp.targets).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class ZesRecWeakenElfVersionNeed : Task
{
    [Required]
    public string Library { get; set; } = "";

    [Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (ElfWeakVersionNeed.SystemLibStdCxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ defines " + VersionName + ": " + Library + " left as shipped.");
            return true;
        }

        var result = ElfWeakVersionNeed.Patch(Library, VersionName);
        Log.LogMessage(MessageImportance.Normal, Library + ": " + VersionName + " requirement " + result + ".");
        return true;
    }
}

// Marks one version requirement in an ELF64 shared object's .gnu.version_r as weak
// (VER_FLG_WEAK), so the dynamic loader accepts a library whose only use of that version
// is a symbol it never calls. Only the copy in the build output is changed.

public static class ElfWeakVersionNeed
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Returns "patched", "already-weak" or "absent".</summary>
    public static string Patch(string path, string versionName)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException(path + " is not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException(path + " is not a little-endian ELF64 file");
        }

        var shoff = (long)BitConverter.ToUInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3a);
        int shnum = BitConverter.ToUInt16(bytes, 0x3c);
        for (var i = 0; i < shnum; i++)
        {
            var sh = shoff + (i * shentsize);
            if (BitConverter.ToUInt32(bytes, (int)sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = (long)BitConverter.ToUInt64(bytes, (int)sh + 0x18);
            var link = BitConverter.ToUInt32(bytes, (int)sh + 0x28);
            var info = BitConverter.ToUInt32(bytes, (int)sh + 0x2c);
            var strtabOffset = (long)BitConverter.ToUInt64(bytes, (int)(shoff + (link * shentsize) + 0x18));
            var need = offset;
            for (var n = 0; n < info; n++)
            {
                int cnt = BitConverter.ToUInt16(bytes, (int)need + 2);
                var aux = need + BitConverter.ToUInt32(bytes, (int)need + 8);
                for (var a = 0; a < cnt; a++)
                {
                    var name = ReadString(bytes, strtabOffset + BitConverter.ToUInt32(bytes, (int)aux + 8));
                    if (name == versionName)
                    {
                        var flags = BitConverter.ToUInt16(bytes, (int)aux + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            return "already-weak";
                        }

                        var patched = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
                        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write))
                        {
                            f.Seek(aux + 4, SeekOrigin.Begin);
                            f.Write(patched, 0, 2);
                        }

                        return "patched";
                    }

                    aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(bytes, (int)need + 12);
            }
        }

        return "absent";
    }

    /// <summary>True when the first libstdc++.so.6 found on the usual paths defines the version.</summary>
    public static bool SystemLibStdCxxHas(string versionName)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        foreach (var c in candidates)
        {
            if (File.Exists(c))
            {
                return IndexOf(File.ReadAllBytes(c), Encoding.ASCII.GetBytes(versionName + "\0")) >= 0;
            }
        }

        return false;
    }

    private static string ReadString(byte[] bytes, long at)
    {
        var end = at;
        while (bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, (int)at, (int)(end - at));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
