using Npgsql;
using ZesRec.Data;
using ZesRec.Model;
using ZesRec.Streaming.Adaptation;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Storage;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The demo's streaming stage: the target domain replayed through Kafka, items first, to two processors on topics and
/// schemas of this run's own: one serving the trained model as it is (frozen), one adapted once, after half of the
/// stream, by the same round <c>zesrec adapt --once</c> runs (adaptive). The round trains while the third quarter is
/// served; a promoted model serves the last quarter.
/// </summary>
internal static class DemoStream
{
    /// <summary>Fresh serve settings of one lane: the loaded ones, with the demo's model, topics, schema and any metrics port.</summary>
    public static ServeOptions Settings(ServeOptions loaded, string modelDir, string run, string lane)
    {
        var kafka = loaded.Kafka;
        kafka.GroupId = $"zesrec-demo-{run}-{lane}";
        kafka.InstanceId = lane;
        kafka.ItemsTopic = $"zesrec.demo.{run}.items";
        kafka.InteractionsTopic = $"zesrec.demo.{run}.interactions";
        kafka.RecommendationsTopic = $"zesrec.demo.{run}.{lane}.recommendations";
        kafka.DeadLetterTopic = $"zesrec.demo.{run}.{lane}.deadletter";
        loaded.ModelDir = modelDir;
        loaded.Postgres.Schema = $"demo_{lane}";
        loaded.Metrics.Port = 0;
        return loaded;
    }

    /// <summary>Serves and replays; returns what both lanes scored, in stream order, and the round.</summary>
    public static async Task<SideBySideResult> RunAsync(Func<string, ServeOptions> lane, string modelDir, EventLogDataset target, DemoOptions demo, CancellationToken cancellationToken)
    {
        var frozen = lane("frozen");
        foreach (var name in (string[])["frozen", "adaptive"])
        {
            var kafka = lane(name).Kafka;
            await RecreateSchemaAsync(frozen.Postgres.ConnectionString, lane(name).Postgres.Schema!, cancellationToken);
            LocalStack.EnsureTopics(kafka.BootstrapServers, [kafka.ItemsTopic, kafka.InteractionsTopic, kafka.RecommendationsTopic, kafka.DeadLetterTopic]);
        }

        // The adaptive lane serves through a link, as 'zesrec serve --model models/current' does; the round repoints it.
        var models = Path.GetFullPath(Path.Combine(".local", "demo-adapt"));
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }

        Directory.CreateDirectory(models);
        var link = Path.Combine(models, "current");
        Directory.CreateSymbolicLink(link, Path.GetFullPath(modelDir));
        var log = new IndentedWriter(Console.Out);
        var adaptive = lane("adaptive");
        var replay = new SideBySideReplay
        {
            Settings = name => name == "adaptive" ? Linked(lane(name), link) : lane(name),
            FrozenModelDir = modelDir,
            AdaptiveModelDir = link,
            Round = (schema, ct) => RoundAsync(adaptive, link, models, log, ct),
            Rate = demo.Rate > 0 ? demo.Rate : null,
            Log = log,
        };
        var stream = demo.Limit > 0 ? Earliest(target, demo.Limit) : target;
        var boundaries = SideBySideReplay.Even(stream.Interactions.Count, 4);
        return await replay.RunAsync(stream, boundaries, new HashSet<int> { boundaries[1] }, cancellationToken);
    }

    private static ServeOptions Linked(ServeOptions options, string link)
    {
        options.ModelDir = link;
        return options;
    }

    private static async Task<AdaptationOutcome> RoundAsync(ServeOptions adaptive, string link, string models, TextWriter log, CancellationToken cancellationToken)
    {
        await using var dataSource = StoreDataSource.Create(adaptive.Postgres.ConnectionString, $"\"{adaptive.Postgres.Schema}\",public");
        var settings = new AdaptationSettings { ModelDir = link, ModelsDir = models };
        var device = DeviceSelection.Resolve(adaptive.Processing.Device);
        return await new AdaptationRound(dataSource, settings, device, adaptive.Processing.TextCache, log).RunAsync(cancellationToken);
    }

    private static EventLogDataset Earliest(EventLogDataset target, int limit) =>
        new(target.Name, target.SourceFormat, target.Items, [.. target.Interactions.OrderBy(i => i.OrderKey).Take(limit)]);

    private static async Task RecreateSchemaAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
