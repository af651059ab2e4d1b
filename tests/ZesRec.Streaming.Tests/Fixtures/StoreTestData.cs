using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Tests.Fixtures;

internal static class StoreTestData
{
    /// <summary>The model version the store tests write their rows under.</summary>
    public const string ModelVersion = "test-000000000001";

    public static float[] RandomVector(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    public static List<StoredItem> Items(int count, int dimension, int seed, string textPrefix = "text")
    {
        var random = new Random(seed);
        var createdAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return [.. Enumerable.Range(0, count).Select(i => new StoredItem(
            $"item-{i:D6}",
            $"{textPrefix} {i}",
            RandomVector(random, dimension),
            i % 10 == 0 ? null : createdAt.AddMinutes(i)))];
    }

    public static List<UserStateRow> States(int count, int partitions, int seed, int dimension = 8)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new UserStateRow(
            $"user-{i:D5}",
            i % partitions,
            RandomVector(random, dimension),
            [.. Enumerable.Range(0, i % 5).Select(j => $"item-{random.Next(1000)}-{j}")],
            1_700_000_000_000L + i,
            i % 5,
            i % 7 == 0 ? null : 1_500_000_000L + i,
            i % 3 == 0 ? null : [.. Enumerable.Range(0, i % 5).Select(j => 1_500_000_000L + i - j)]))];
    }

    public static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
