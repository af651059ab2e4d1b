using System.Diagnostics;
using ZesRec.Model;
using ZesRec.Streaming.Serving;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// The interaction stream's compute without Kafka, PostgreSQL or batching: <see cref="Recommender.Step"/> then
/// <see cref="Recommender.TopK"/> on batches of random users and random catalogue items, as one wave of a batch.
/// </summary>
public static class ScorerAlone
{
    /// <summary>
    /// Where a batch's scoring time goes: Step, the user vectors of the state rows, the [B, D] x [D, N] product and
    /// the top-k selection, each timed alone (the parts <see cref="Recommender.TopK"/> runs in one call).
    /// </summary>
    private static string Breakdown(ZesRecModel model, Recommender recommender, ItemCatalog catalog, float[][] states, IReadOnlySet<string>[] seen, int topK, int batches, TimeSpan step)
    {
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            _ = recommender.UserVectors(states);
        }

        var vectors = clock.Elapsed;
        using var noGrad = no_grad();
        using var users = tensor(recommender.UserVectors(states).SelectMany(v => v).ToArray(), [states.Length, catalog.Dim]);
        using var buffer = empty(states.Length, catalog.Count);
        clock.Restart();
        for (var b = 0; b < batches; b++)
        {
            catalog.Read((matrix, _) => model.Scores(users, matrix, buffer));
        }

        var product = clock.Elapsed;

        // Subnormal floats (below 2^-126) make every multiply with them take a slow path on x86: count them, and
        // time the same product with them set to zero.
        var (subnormalUsers, subnormalItems, flushedProduct) = catalog.Read((matrix, _) =>
        {
            using var tiny = tensor(1.17549435e-38f);
            using var usersFlushed = users.where(users.abs() < tiny, 0f);
            using var matrixFlushed = matrix.where(matrix.abs() < tiny, 0f);
            var u = (users.abs() < tiny).logical_and(users != 0).sum().item<long>();
            var m = (matrix.abs() < tiny).logical_and(matrix != 0).sum().item<long>();
            model.Scores(usersFlushed, matrixFlushed, buffer);
            var c = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                model.Scores(usersFlushed, matrixFlushed, buffer);
            }

            return (u, m, c.Elapsed);
        });
        var values = new float[states.Length * topK];
        var indices = new int[states.Length * topK];
        clock.Restart();
        for (var b = 0; b < batches; b++)
        {
            TopKSelector.Select(() => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.bytes), states.Length, catalog.Count, topK, values, indices, Math.Max(1, get_num_threads()));
        }

        var select = clock.Elapsed;
        clock.Restart();
        for (var b = 0; b < batches; b++)
        {
            _ = recommender.TopK(states, seen, topK);
        }

        var topk = clock.Elapsed;
        string Ms(TimeSpan t) => (t.TotalMilliseconds / batches).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        return $"Step {Ms(step)} ms; TopK {Ms(topk)} ms, of which user vectors {Ms(vectors)} ms, product {Ms(product)} ms, selection {Ms(select)} ms; "
            + $"subnormal values: {subnormalUsers:N0} of {users.NumberOfElements:N0} in the user vectors, {subnormalItems:N0} of {(long)catalog.Count * catalog.Dim:N0} in the item matrix; product with them zeroed {Ms(flushedProduct)} ms";
    }

    /// <summary>
    /// Returns user updates per second, the share of the time spent in Step, and user updates per CPU-second of this
    /// process (what other jobs on the machine do not change).
    /// </summary>
    public static (double PerSecond, double StepShare, double PerCpuSecond) Measure(string modelDir, ItemCatalog catalog, int batch, int batches, int topK, bool shortlist)
    {
        var (model, _) = ModelCheckpoint.Load(modelDir, CPU);
        using (model)
        {
            using var recommender = new Recommender(model, catalog, CPU) { Shortlist = shortlist };
            var random = new Random(7);
            var states = recommender.StartStates([.. Enumerable.Range(0, batch).Select(i => (long)i)]);
            // Each user has seen a few items, so the exclusion step runs as in the stream.
            var seen = Enumerable.Range(0, batch).Select(_ => (IReadOnlySet<string>)Enumerable.Range(0, 5).Select(_ => catalog.IdAt(random.Next(catalog.Count))).ToHashSet(StringComparer.Ordinal)).ToArray();
            var rows = () => (IReadOnlyList<int>)[.. Enumerable.Range(0, batch).Select(_ => random.Next(catalog.Count))];
            var times = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();

            // Warm-up: first calls pay for allocation and kernel selection.
            recommender.TopK(recommender.Step(states, rows(), times), seen, topK);
            var step = TimeSpan.Zero;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var before = clock.Elapsed;
                states = recommender.Step(states, rows(), times);
                step += clock.Elapsed - before;
                _ = recommender.TopK(states, seen, topK);
            }

            var total = clock.Elapsed;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            Console.WriteLine($"  scorer alone, per batch of {batch}: {Breakdown(model, recommender, catalog, states, seen, topK, batches, step)}");
            return (batch * batches / total.TotalSeconds, step / total, batch * batches / cpuSeconds);
        }
    }
}
