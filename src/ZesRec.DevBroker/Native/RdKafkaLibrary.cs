using System.Reflection;
using System.Runtime.InteropServices;

namespace ZesRec.DevBroker.Native;

/// <summary>
/// Loads librdkafka for our own P/Invoke. The default build needs libsasl2.so.3, which Debian 12
/// lacks, so (like Confluent.Kafka) we fall back to the CentOS 8 build shipped in the same package.
/// </summary>
internal static class RdKafkaLibrary
{
    public const string Name = "librdkafka";

    private static readonly string[] Candidates = ["librdkafka.so", "centos8-librdkafka.so"];

    private static int _installed;

    public static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(RdKafkaLibrary).Assembly, Resolve);
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Name)
        {
            return IntPtr.Zero;
        }

        var baseDir = AppContext.BaseDirectory;
        var folders = new[] { baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native") };
        var tried = new List<string>();
        foreach (var candidate in Candidates)
        {
            foreach (var folder in folders)
            {
                var path = Path.Combine(folder, candidate);
                if (!File.Exists(path))
                {
                    continue;
                }

                if (NativeLibrary.TryLoad(path, out var handle))
                {
                    return handle;
                }

                tried.Add(path);
            }
        }

        throw new DllNotFoundException(
            $"Could not load librdkafka from {baseDir}; tried {string.Join(", ", tried.DefaultIfEmpty("nothing (no candidate file found)"))}.");
    }
}
