namespace ZesRec.Streaming.Serving;

/// <summary>Ranks items for user state rows: the in-memory matrix, or pgvector for catalogues too large for memory.</summary>
public interface ITopKScorer
{
    IReadOnlyList<(string ItemId, float Score)[]> TopK(IReadOnlyList<float[]> states, IReadOnlyList<IReadOnlySet<string>> exclude, int k);
}
