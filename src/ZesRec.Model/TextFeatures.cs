using ZesRec.Data;
using ZesRec.Model.Training;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>Bridges the data and text layers to tensors: encoded item texts and index sequences.</summary>
public static class TextFeatures
{
    /// <summary>Encodes <paramref name="texts"/> into a [N, E] float32 tensor on <paramref name="device"/>.</summary>
    public static Tensor Encode(ITextEncoder encoder, IReadOnlyList<string> texts, Device device, IProgress<int>? progress = null)
    {
        var vectors = encoder.Encode(texts, progress);
        var flat = new float[texts.Count * encoder.Dimension];
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i].CopyTo(flat, i * encoder.Dimension);
        }

        return tensor(flat, [texts.Count, encoder.Dimension], device: device);
    }

    public static List<TrainingSequence> Sequences(IEnumerable<UserSequence> users) =>
        [.. users.Where(u => u.Items.Length > 0).Select(u => new TrainingSequence(u.Items, u.Times))];
}
