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
    /// <summary>Returns user updates per second and the share of the time spent in Step.</summary>
    public static (double PerSecond, double StepShare) Measure(string modelDir, ItemCatalog catalog, int batch, int batches, int topK)
    {
        var (model, _) = ModelCheckpoint.Load(modelDir, CPU);
        using (model)
        {
            using var recommender = new Recommender(model, catalog, CPU);
            var random = new Random(7);
            var states = recommender.StartStates([.. Enumerable.Range(0, batch).Select(i => (long)i)]);
            // Each user has seen a few items, so the exclusion step runs as in the stream.
            var seen = Enumerable.Range(0, batch).Select(_ => (IReadOnlySet<string>)Enumerable.Range(0, 5).Select(_ => catalog.IdAt(random.Next(catalog.Count))).ToHashSet(StringComparer.Ordinal)).ToArray();
            var rows = () => (IReadOnlyList<int>)[.. Enumerable.Range(0, batch).Select(_ => random.Next(catalog.Count))];
            var times = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();

            // Warm-up: first calls pay for allocation and kernel selection.
            recommender.TopK(recommender.Step(states, rows(), times), seen, topK);
            var step = TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var before = clock.Elapsed;
                states = recommender.Step(states, rows(), times);
                step += clock.Elapsed - before;
                _ = recommender.TopK(states, seen, topK);
            }

            var total = clock.Elapsed;
            return (batch * batches / total.TotalSeconds, step / total);
        }
    }
}
