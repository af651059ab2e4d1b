using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// The C functions of the native library the Cloud.Unum.USearch package ships. Its managed wrapper grows the index by
/// exactly the vectors being added (one reallocation per single add) and cannot set the thread limits or report
/// memory, so the index calls these directly; the package's own <see cref="IndexOptions"/> keeps the layout of the
/// options structure in step with its library.
/// </summary>
internal static partial class UsearchNative
{
    private const string Library = "libusearch_c";

    // The options structure holds a C bool, which generated marshalling does not take; this is how the package binds it.
#pragma warning disable SYSLIB1054
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    internal static extern IntPtr usearch_init(ref IndexOptions options, out IntPtr error);
#pragma warning restore SYSLIB1054

    [LibraryImport(Library)]
    internal static partial void usearch_free(IntPtr index, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial nuint usearch_memory_usage(IntPtr index, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial nuint usearch_size(IntPtr index, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial void usearch_add(IntPtr index, ulong key, ReadOnlySpan<float> vector, ScalarKind kind, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial nuint usearch_remove(IntPtr index, ulong key, out IntPtr error);

    [LibraryImport(Library)]
    internal static partial nuint usearch_search(IntPtr index, ReadOnlySpan<float> query, ScalarKind kind, nuint count, Span<ulong> keys, Span<float> distances, out IntPtr error);

    /// <summary>Throws the library's message when <paramref name="error"/> is set.</summary>
    internal static void Check(IntPtr error, string what)
    {
        if (error != IntPtr.Zero)
        {
            throw new InvalidOperationException($"USearch {what} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
