namespace ZesRec.Text;

/// <summary>How one vector is made from a BERT model's last hidden state.</summary>
public enum Pooling
{
    /// <summary>Average over the real (unpadded) tokens: what sentence-transformers models are trained for.</summary>
    Mean,

    /// <summary>The hidden state of the leading [CLS] token: the ZESRec paper's setting.</summary>
    Cls,
}
