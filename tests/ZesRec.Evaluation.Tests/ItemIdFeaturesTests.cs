using ZesRec.Evaluation.Oracles;
using ZesRec.Model;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

public sealed class ItemIdFeaturesTests
{
    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(7, 3, 2)]
    [InlineData(40, 16, 3)]
    [InlineData(257, 32, 4)]
    public void Id_lookup_should_give_the_identity_products_vectors_and_gradients(int items, int dim, int seed)
    {
        // Given an item-id model with trained-looking (random, non-zero) offsets and a random loss weighting
        manual_seed(seed);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = dim }, items, items);
        using (no_grad())
        {
            foreach (var (_, p) in model.named_parameters())
            {
                p.normal_();
            }
        }

        using var ids = ItemIdFeatures.Create(items, CPU);
        using var identity = eye(items, dtype: ScalarType.Float32);
        using var weighting = randn(items, dim);

        // When item vectors and the item layer's gradients are computed from ids and from the identity matrix
        var (servedIds, trainedIds, gradIds) = Run(model, ids, weighting);
        var (servedEye, trainedEye, gradEye) = Run(model, identity, weighting);

        // Then the vectors are the same numbers, and so are the gradients up to summation order
        Assert.Equal(items, ItemIdFeatures.InputDim(ids));
        Assert.True(servedIds.eq(servedEye).all().item<bool>(), "served vectors differ");
        Assert.True(trainedIds.eq(trainedEye).all().item<bool>(), "training vectors differ");
        for (var i = 0; i < gradIds.Count; i++)
        {
            Assert.True(gradIds[i].allclose(gradEye[i], rtol: 1e-6, atol: 1e-6), $"gradient {i}: max diff {(gradIds[i] - gradEye[i]).abs().max().item<float>()}");
        }
    }

    private static (Tensor Served, Tensor Trained, List<Tensor> Gradients) Run(ZesRecModel model, Tensor features, Tensor weighting)
    {
        model.zero_grad();
        Tensor served;
        using (no_grad())
        {
            served = model.ItemVectors(features);
        }

        var trained = model.TrainingItemVectors(features);
        (trained * weighting).sum().backward();
        var gradients = model.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone()).ToList();
        return (served, trained.detach(), gradients);
    }
}
