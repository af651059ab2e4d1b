using ZesRec.Model;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Serving;

/// <summary>Item vectors from item texts, as the processor stores them: the text encoder, then the model's item layer.</summary>
public static class ItemEmbedder
{
    /// <summary>One vector (the model's D floats) per text, in order.</summary>
    public static float[][] Embed(ITextEncoder encoder, ZesRecModel model, Device device, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        var text = encoder.Encode(texts);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var flat = new float[texts.Count * encoder.Dimension];
        for (var i = 0; i < texts.Count; i++)
        {
            text[i].CopyTo(flat, i * encoder.Dimension);
        }

        var vectors = model.ItemVectors(tensor(flat, [texts.Count, encoder.Dimension], device: device)).cpu();
        var dim = (int)vectors.shape[1];
        var all = vectors.data<float>().ToArray();
        return [.. Enumerable.Range(0, texts.Count).Select(i => all.AsSpan(i * dim, dim).ToArray())];
    }
}
