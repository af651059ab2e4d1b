using ZesRec.Model.Users;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

public sealed class TcnEncoderTests
{
    /// <summary>
    /// The shapes libtorch's CPU Conv1d got wrong on AMD EPYC (D = 300 and 24 at batch 32): the encoder must
    /// agree with the definition of a residual causal dilated convolution, computed here in doubles.
    /// </summary>
    [Theory]
    [InlineData(300, 32, 7)]
    [InlineData(24, 32, 11)]
    [InlineData(24, 1, 5)]
    public void Sequence_should_equal_the_causal_convolution_computed_by_definition(int dim, int batch, int length)
    {
        // Given a TCN encoder and a batch whose second half has padded (masked) leading positions
        manual_seed(7);
        int[] dilations = [1, 2, 4];
        const int kernel = 3;
        using var encoder = new TcnEncoder(dim, kernel, dilations);
        using var items = randn(batch, length, dim);
        var maskRows = Enumerable.Range(0, batch)
            .Select(b => Enumerable.Range(0, length).Select(t => b < batch / 2 || t >= length / 2).ToArray())
            .ToArray();
        using var mask = tensor(maskRows.SelectMany(r => r).ToArray()).reshape(batch, length);

        // When it runs the batch
        using var noGrad = no_grad();
        var actual = encoder.Sequence(items, zeros(batch, length), mask).data<float>().ToArray();

        // Then every output equals the definition: h <- (relu(bias + sum_j W[.., .., j] h[t - (k-1-j) d]) + h) * mask
        var parameters = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        var input = items.data<float>().ToArray();
        double maxError = 0;
        for (var b = 0; b < batch; b++)
        {
            var h = new double[length, dim];
            for (var t = 0; t < length; t++)
            {
                for (var c = 0; c < dim; c++)
                {
                    h[t, c] = maskRows[b][t] ? input[(((b * length) + t) * dim) + c] : 0;
                }
            }

            for (var block = 0; block < dilations.Length; block++)
            {
                var weight = parameters[$"convs.{block}.weight"];
                var bias = parameters[$"convs.{block}.bias"];
                var next = new double[length, dim];
                for (var t = 0; t < length; t++)
                {
                    for (var o = 0; o < dim; o++)
                    {
                        double sum = bias[o];
                        for (var j = 0; j < kernel; j++)
                        {
                            var source = t - ((kernel - 1 - j) * dilations[block]);
                            if (source < 0)
                            {
                                continue;
                            }

                            for (var c = 0; c < dim; c++)
                            {
                                sum += weight[(((o * dim) + c) * kernel) + j] * h[source, c];
                            }
                        }

                        next[t, o] = maskRows[b][t] ? Math.Max(sum, 0) + h[t, o] : 0;
                    }
                }

                h = next;
            }

            for (var t = 0; t < length; t++)
            {
                for (var c = 0; c < dim; c++)
                {
                    maxError = Math.Max(maxError, Math.Abs(actual[(((b * length) + t) * dim) + c] - h[t, c]));
                }
            }
        }

        Assert.InRange(maxError, 0, 1e-3);
    }
}
