namespace ZesRec.Data;

/// <summary>A dataset or source file that cannot be read as it stands; names the file and, where known, the 1-based line.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string file, int? line, string reason, Exception? inner = null)
        : base(line is null ? $"{file}: {reason}" : $"{file}:{line}: {reason}", inner)
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    public string File { get; }

    public int? Line { get; }

    public string Reason { get; }
}
