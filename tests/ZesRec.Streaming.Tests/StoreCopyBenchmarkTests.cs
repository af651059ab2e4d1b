using System.Diagnostics;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// Throughput of the item upsert (binary COPY into staging + one merge), 30,000 items of 300
/// dimensions. Run alone: dotnet test ... --filter Category=Benchmark
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Benchmark")]
[Trait("Tier", "Integration")]
public sealed class StoreCopyBenchmarkTests(PostgresService postgres, ITestOutputHelper output)
{
    private const int Items = 30_000;
    private const int Dimension = 300;

    [Fact]
    public async Task Upsert_should_copy_30000_items_of_300_dimensions_at_a_measured_rate()
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("bench_copy");
        await StoreSchema.EnsureAsync(schema.DataSource, Dimension, StoreTestData.ModelVersion);
        var store = new ItemStore(schema.DataSource, StoreTestData.ModelVersion);
        var items = StoreTestData.Items(Items, Dimension, seed: 42);
        await store.UpsertAsync(items.Take(100).ToList()); // warms up the connection and the type mapping

        // When inserting all, then updating all
        var insert = Stopwatch.StartNew();
        var inserted = await store.UpsertAsync(items);
        insert.Stop();
        var update = Stopwatch.StartNew();
        var updated = await store.UpsertAsync(items);
        update.Stop();
        var index = Stopwatch.StartNew();
        await StoreSchema.CreateVectorIndexAsync(schema.DataSource, VectorIndexKind.InnerProduct);
        index.Stop();

        // Then
        Assert.Equal(Items, inserted);
        Assert.Equal(Items, updated);
        var megabytes = Items * ((Dimension * 4.0) + 30) / (1024 * 1024);
        output.WriteLine($"insert: {Items} rows x {Dimension} dims in {insert.Elapsed.TotalSeconds:F2} s = {Items / insert.Elapsed.TotalSeconds:F0} rows/s ({megabytes / insert.Elapsed.TotalSeconds:F1} MiB/s)");
        output.WriteLine($"update: {Items} rows in {update.Elapsed.TotalSeconds:F2} s = {Items / update.Elapsed.TotalSeconds:F0} rows/s");
        output.WriteLine($"HNSW vector_ip_ops index build over {Items} rows: {index.Elapsed.TotalSeconds:F2} s");
    }
}
