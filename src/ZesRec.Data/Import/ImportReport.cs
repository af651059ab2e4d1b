namespace ZesRec.Data.Import;

/// <summary>What an import read, kept and rejected; kept counts come from the dataset it built.</summary>
public sealed class ImportReport
{
    private readonly List<ImportRejection> _rejections = [];
    private readonly List<string> _notes = [];

    public int ItemsRead { get; internal set; }

    public int ItemsRejected { get; internal set; }

    public int InteractionsRead { get; internal set; }

    public int InteractionsRejected { get; internal set; }

    public IReadOnlyList<ImportRejection> Rejections => _rejections;

    /// <summary>Rows deliberately not imported that are not errors (for example metadata of items nobody reviewed).</summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void Reject(ImportRejection rejection) => _rejections.Add(rejection);

    internal void Note(string note) => _notes.Add(note);
}
