using System.IO.Compression;
using System.Text;

namespace ZesRec.Data.Import;

/// <summary>Line-numbered reading of source files (plain or .gz) and the structural checks every format shares.</summary>
internal static class SourceFile
{
    /// <summary>Lines with their 1-based numbers; a corrupt gzip stream becomes a <see cref="DatasetFormatException"/>.</summary>
    public static IEnumerable<(int Number, string Text)> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, null, "file not found");
        }

        using var stream = File.OpenRead(path);
        using var decoded = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(stream, CompressionMode.Decompress)
            : (Stream)stream;
        using var reader = new StreamReader(decoded, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new DatasetFormatException(path, number + 1, $"unreadable gzip data: {e.Message}", e);
            }

            if (line is null)
            {
                yield break;
            }

            number++;
            yield return (number, line);
        }
    }

    /// <summary>Checks the header line and returns the data lines; a wrong header means the wrong file, which stops the import.</summary>
    public static IEnumerable<(int Number, string Text)> ReadWithHeader(string path, char separator, params string[][] acceptedHeaders)
    {
        var first = true;
        foreach (var line in ReadLines(path))
        {
            if (first)
            {
                first = false;
                var columns = line.Text.TrimEnd('\r').Split(separator);
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
