using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class StoreItemTests(PostgresService postgres)
{
    private const int Dimension = 32;

    [Fact]
    public async Task Upsert_should_store_every_item_and_replace_its_text_when_the_item_is_upserted_again()
    {
        // Given 2,000 items copied into an empty store
        await using var schema = await postgres.CreateSchemaAsync("items_upsert");
        await StoreSchema.EnsureAsync(schema.DataSource, Dimension, StoreTestData.ModelVersion);
        var store = new ItemStore(schema.DataSource, StoreTestData.ModelVersion);
        var first = StoreTestData.Items(2_000, Dimension, seed: 1);
        Assert.Equal(2_000, await store.UpsertAsync(first));

        // When the same ids come again, every other one with a new text and embedding
        var second = first.Select((item, i) => i % 2 == 0
            ? item with { Text = $"changed {i}", Embedding = [.. item.Embedding.Select(x => -x)] }
            : item).ToList();
        var written = await store.UpsertAsync(second);

        // Then there are still 2,000 items, holding exactly the second version
        Assert.Equal(2_000, written);
        var stored = await store.LoadAllAsync().ToListAsync();
        Assert.Equal(2_000, stored.Count);
        var expected = second.ToDictionary(i => i.ItemId);
        foreach (var item in stored)
        {
            var want = expected[item.ItemId];
            Assert.Equal(want.Text, item.Text);
            Assert.Equal(want.Embedding, item.Embedding);
            Assert.Equal(want.CreatedAt, item.CreatedAt);
        }

        Assert.Equal("changed 0", stored[0].Text);
        Assert.Equal("text 1", stored[1].Text);
    }

    [Fact]
    public async Task Upsert_should_keep_the_last_version_when_an_id_repeats_in_one_call()
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("items_repeat");
        await StoreSchema.EnsureAsync(schema.DataSource, 2, StoreTestData.ModelVersion);
        var store = new ItemStore(schema.DataSource, StoreTestData.ModelVersion);

        // When
        await store.UpsertAsync([new StoredItem("a", "old", [1, 0], null), new StoredItem("a", "new", [0, 1], null)]);

        // Then
        var item = Assert.Single(await store.LoadAllAsync().ToListAsync());
        Assert.Equal("new", item.Text);
        Assert.Equal([0f, 1f], item.Embedding);
    }

    [Fact]
    public async Task Nearest_should_return_the_true_top_k_by_inner_product_when_searching_without_an_index()
    {
        // Given 2,000 random items and a random query
        await using var schema = await postgres.CreateSchemaAsync("items_nearest");
        await StoreSchema.EnsureAsync(schema.DataSource, Dimension, StoreTestData.ModelVersion);
        var store = new ItemStore(schema.DataSource, StoreTestData.ModelVersion);
        var items = StoreTestData.Items(2_000, Dimension, seed: 2);
        await store.UpsertAsync(items);
        var query = StoreTestData.RandomVector(new Random(3), Dimension);
        var bruteForce = items
            .Select(i => (i.ItemId, Score: StoreTestData.Dot(i.Embedding, query)))
            .OrderByDescending(s => s.Score)
            .ToList();
        var excluded = bruteForce.Take(3).Select(s => s.ItemId).ToHashSet();

        // When
        var top = await store.NearestAsync(query, 20);
        var topExcluding = await store.NearestAsync(query, 20, excluded);

        // Then both are the brute-force ranking, the second without the excluded items
        Assert.Equal(bruteForce.Take(20).Select(s => s.ItemId), top.Select(s => s.ItemId));
        Assert.All(top.Zip(bruteForce), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 3));
        Assert.Equal(bruteForce.Skip(3).Take(20).Select(s => s.ItemId), topExcluding.Select(s => s.ItemId));
    }

    [Fact]
    public async Task Nearest_should_find_most_of_the_true_top_k_when_the_inner_product_index_exists()
    {
        // Given 2,000 items indexed by HNSW with vector_ip_ops after the load
        await using var schema = await postgres.CreateSchemaAsync("items_hnsw");
        await StoreSchema.EnsureAsync(schema.DataSource, Dimension, StoreTestData.ModelVersion);
        var store = new ItemStore(schema.DataSource, StoreTestData.ModelVersion);
        var items = StoreTestData.Items(2_000, Dimension, seed: 4);
        await store.UpsertAsync(items);
        await StoreSchema.CreateVectorIndexAsync(schema.DataSource, VectorIndexKind.InnerProduct);
        await StoreSchema.CreateVectorIndexAsync(schema.DataSource, VectorIndexKind.Cosine);
        var random = new Random(5);

        // When 20 queries ask for their top 10
        var hits = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = StoreTestData.RandomVector(random, Dimension);
            var truth = items.OrderByDescending(i => StoreTestData.Dot(i.Embedding, query)).Take(10).Select(i => i.ItemId).ToHashSet();
            var found = await store.NearestAsync(query, 10);
            Assert.Equal(10, found.Count);
            hits += found.Count(f => truth.Contains(f.ItemId));
        }

        // Then the approximate search recalls at least 80 % of the true neighbours
        Assert.True(hits >= 160, $"recall@10 was {hits / 200.0:P0}");
    }
}
