namespace ZesRec.Data.Import;

/// <summary>One source row (or one interaction within a row) left out of the import, and why.</summary>
public sealed record ImportRejection(string File, int Line, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Reason}";
}
