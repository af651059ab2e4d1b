using System.IO.Compression;
using System.Text;

namespace ZesRec.Data.Import;

/// <summary>Line-numbered reading of source files (plain or .gz) and the structural checks every format shares.</summary>
internal static class SourceFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Lines with their 1-based numbers. A corrupt or truncated gzip file becomes a <see cref="DatasetFormatException"/>.
    /// A line that is not valid UTF-8 goes to <paramref name="rejectLine"/> (line number, reason) and is skipped; without
    /// one (files that must be whole, such as id maps) it stops the read.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> ReadLines(string path, Action<int, string>? rejectLine = null)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, null, "file not found");
        }

        using var file = File.OpenRead(path);
        using var decoded = Open(path, file);
        var reader = new Utf8LineReader(decoded);
        var number = 0;
        while (true)
        {
            ArraySegment<byte> bytes;
            try
            {
                if (!reader.Next(out bytes))
                {
                    yield break;
                }
            }
            catch (InvalidDataException e)
            {
                throw new DatasetFormatException(path, number + 1, $"unreadable gzip data: {e.Message}", e);
            }
            catch (Utf8LineReader.LineTooLongException e)
            {
                throw new DatasetFormatException(path, number + 1, e.Message, e);
            }

            number++;
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                var reason = $"not valid UTF-8 (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} at byte {e.Index + 1} of the line)";
                if (rejectLine is null)
                {
                    throw new DatasetFormatException(path, number, reason, e);
                }

                rejectLine(number, reason);
                continue;
            }

            yield return (number, text);
        }
    }

    /// <summary>Checks the header line and returns the data lines; a wrong header means the wrong file, which stops the import.</summary>
    public static IEnumerable<(int Number, string Text)> ReadWithHeader(string path, char separator, Action<int, string> rejectLine, params string[][] acceptedHeaders)
    {
        var first = true;
        foreach (var line in ReadLines(path, (number, reason) =>
                 {
                     if (number == 1)
                     {
                         throw new DatasetFormatException(path, 1, "header " + reason);
                     }

                     rejectLine(number, reason);
                 }))
        {
            if (first)
            {
                first = false;
                var columns = line.Text.Split(separator);
                if (!acceptedHeaders.Any(h => h.SequenceEqual(columns, StringComparer.Ordinal)))
                {
                    var expected = string.Join(" or ", acceptedHeaders.Select(h => $"'{string.Join(separator, h)}'"));
                    throw new DatasetFormatException(path, 1, $"unexpected header '{line.Text}'; expected {expected}");
                }

                continue;
            }

            yield return line;
        }

        if (first)
        {
            throw new DatasetFormatException(path, null, "file is empty (no header)");
        }
    }

    private static Stream Open(string path, FileStream file)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return file;
        }

        try
        {
            return new CheckedGzipStream(file);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, null, $"unreadable gzip data: {e.Message}", e);
        }
    }

    /// <summary>The one file in <paramref name="dir"/> matching <paramref name="pattern"/>; none or several is an error.</summary>
    public static string FindOne(string dir, string pattern)
    {
        var matches = Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).ToArray();
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new DatasetFormatException(dir, null, $"no file matching '{pattern}'"),
            _ => throw new DatasetFormatException(dir, null, $"several files match '{pattern}': {string.Join(", ", matches.Select(Path.GetFileName))}"),
        };
    }

    public static string? FindOptional(string dir, string pattern)
    {
        var matches = Directory.GetFiles(dir, pattern);
        return matches.Length == 1 ? matches[0] : null;
    }

    public static void RequireDirectory(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new DatasetFormatException(dir, null, "input folder not found");
        }
    }
}
