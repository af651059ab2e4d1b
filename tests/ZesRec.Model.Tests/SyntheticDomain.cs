using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

/// <summary>
/// A small domain with learnable structure for testing the mechanics: item i is usually followed by item i+1,
/// and item text embeddings are random but fixed by the seed.
/// </summary>
internal static class SyntheticDomain
{
    public const int Items = 40;
    public const int TextDim = 16;

    public static Tensor TextEmbeddings()
    {
        var g = new Generator(7);
        return randn([Items, TextDim], generator: g);
    }

    public static List<TrainingSequence> Sequences(int users, int seed)
    {
        var random = new Random(seed);
        var result = new List<TrainingSequence>();
        for (var u = 0; u < users; u++)
        {
            var length = random.Next(2, 12);
            var item = random.Next(Items);
            var items = new int[length];
            var times = new long[length];
            for (var k = 0; k < length; k++)
            {
                items[k] = item;
                times[k] = 1_500_000_000L + (k * 3_600L) + (k > length / 2 ? 200_000L : 0);
                item = random.NextDouble() < 0.8 ? (item + 1) % Items : random.Next(Items);
            }

            result.Add(new TrainingSequence(items, times));
        }

        return result;
    }

    public static ZesRecConfig Config(string variant) => new()
    {
        Variant = UserEncoderVariant.Parse(variant),
        Dim = 24,
        MaxEpochs = 1,
        BatchSize = 32,
        Seed = 3,
    };
}
