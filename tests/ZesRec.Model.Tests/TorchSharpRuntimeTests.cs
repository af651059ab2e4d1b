using TorchSharp;

namespace ZesRec.Model.Tests;

public sealed class TorchSharpRuntimeTests
{
    [Fact]
    public void Matmul_should_give_hand_computed_numbers_when_libtorch_loads()
    {
        // Given two small matrices
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);

        // When they are multiplied on the CPU
        using var c = torch.matmul(a, b);

        // Then the result is [[19, 22], [43, 50]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Softmax_should_sum_to_one_when_computed_over_a_row()
    {
        // Given logits
        using var logits = torch.tensor(new float[] { 0f, MathF.Log(3f) }, [1, 2]);

        // When softmax is taken
        using var p = torch.nn.functional.softmax(logits, 1);

        // Then probabilities are 1/4 and 3/4
        var values = p.data<float>().ToArray();
        Assert.Equal(0.25f, values[0], 5);
        Assert.Equal(0.75f, values[1], 5);
    }
}
