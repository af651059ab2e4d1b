namespace ZesRec.Text;

/// <summary>A frozen sentence encoder: texts in, one L2-unnormalised vector per text out.</summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>Identifies the model and pooling; part of every cache key and of the model card.</summary>
    string Name { get; }

    int Dimension { get; }

    /// <summary>Encodes in the order given. <paramref name="progress"/> receives the number of texts done so far.</summary>
    float[][] Encode(IReadOnlyList<string> texts, IProgress<int>? progress = null);
}
