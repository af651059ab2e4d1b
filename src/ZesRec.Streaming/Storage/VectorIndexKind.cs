namespace ZesRec.Streaming.Storage;

public enum VectorIndexKind
{
    /// <summary>HNSW with <c>vector_cosine_ops</c>: serves <c>ORDER BY embedding &lt;=&gt; q</c>.</summary>
    Cosine,

    /// <summary>HNSW with <c>vector_ip_ops</c>: serves <c>ORDER BY embedding &lt;#&gt; q</c>, as <see cref="ItemStore.NearestAsync"/> asks.</summary>
    InnerProduct,
}
