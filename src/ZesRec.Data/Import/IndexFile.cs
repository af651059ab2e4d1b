using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// RecBole / ReChorus <c>.item2index</c> and <c>.user2index</c> files: "external id TAB integer id", no
/// header. Read as integer id → external id, so that imported ids are the real ASINs and reviewer ids.
/// </summary>
internal static class IndexFile
{
    public static Dictionary<int, string> ReadReverse(string path)
    {
        var map = new Dictionary<int, string>();
        foreach (var (line, text) in SourceFile.ReadLines(path))
        {
            var columns = text.Split('\t');
            if (columns.Length != 2 || !int.TryParse(columns[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                // An id map with a bad row would silently attach interactions to the wrong items.
                throw new DatasetFormatException(path, line, $"expected 'external id<TAB>integer', found '{text}'");
            }

            if (!map.TryAdd(index, columns[0]))
            {
                throw new DatasetFormatException(path, line, $"integer id {index} is mapped twice");
            }
        }

        if (map.Count == 0)
        {
            throw new DatasetFormatException(path, null, "empty id map");
        }

        return map;
    }
}
