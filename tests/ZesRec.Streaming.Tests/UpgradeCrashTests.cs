using Npgsql;
using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// <c>zesrec upgrade</c> and <c>zesrec serve</c> as real processes: an upgrade killed with SIGKILL while it re-embeds
/// the catalogue and again while it switches completes when run again, with every interaction applied once; a
/// serve on a store of another model exits with code 2 and one sentence.
/// </summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class UpgradeCrashTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, OtherModels others)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Upgrade_killed_while_re_embedding_and_while_switching_should_complete_when_run_again_with_every_interaction_applied_once()
    {
        // Given a GRU4Rec processor that applied the first third of the interactions
        await using var schema = await postgres.CreateSchemaAsync("upgrade_kill");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("upgrade-kill-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var group = KafkaService.FreshGroup("upgrade-kill");
        // In time order, so that users' interactions spread over the three parts.
        var interactions = harness.Target.Interactions.OrderBy(i => i.OrderKey).ToList();
        var third = interactions.Count / 3;
        var itemCount = harness.Target.Items.Count;
        var oldProcessor = StreamingProcessor.Create(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group), TextWriter.Null);
        using var stopOld = new CancellationTokenSource();
        var oldRun = Task.Run(() => oldProcessor.RunAsync(stopOld.Token));
        var oldVersion = oldProcessor.Card.ModelVersion;
        Assert.True(await Eventually.HoldsAsync(() => oldProcessor.Catalog.Count == itemCount, Patience));
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions.Take(third));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == third, Patience));
        var newVersion = ModelCard.Load(others.TcnDir).ModelVersion;
        string[] Upgrade(params string[] extra) =>
            ["upgrade", "--model", others.TcnDir, "--pg", postgres.ConnectionString, "--pg-schema", schema.Name, "--device", "cpu", "--threads", "1", "--batch-size", "2", .. extra];

        // When `zesrec upgrade --prepare-only` is killed with SIGKILL once it committed its first batches of items
        using (var preparing = CliProcess.Start(Upgrade("--prepare-only")))
        {
            Assert.True(await Eventually.HoldsAsync(() => ItemsOf(schema.DataSource, newVersion) > 0 || preparing.HasExited, Patience), preparing.Output);
            await preparing.KillAsync();
        }

        // Then the old model still serves, part of the catalogue is prepared, and a second run prepares the rest
        var embeddedBeforeKill = ItemsOf(schema.DataSource, newVersion);
        Assert.InRange(embeddedBeforeKill, 1, itemCount - 1);
        Assert.Equal(oldVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));
        using (var resumed = CliProcess.Start(Upgrade("--prepare-only")))
        {
            Assert.True(await resumed.ExitCodeAsync(Patience) == 0, resumed.Output);
        }

        Assert.Equal(itemCount, ItemsOf(schema.DataSource, newVersion));
        Assert.Equal(oldVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));

        // When the old model applies the second third and `zesrec upgrade` runs: its preparation is held at the last
        // stale user X that has a new-version row (the test locks that row), while the old model applies an interaction
        // of a user Y before X; then the test locks Y's row instead, so the switch, which catches Y up while it holds
        // the serving row, waits there, and is killed with SIGKILL
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions.Skip(third).Take(third));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == 2 * third, Patience));
        var rest = interactions.Skip(2 * third).ToList();
        var x = await ScalarAsync<string>(schema.DataSource, FirstStaleSql, oldVersion, newVersion);
        Assert.True(x is not null, "no stale user has a prepared row");
        var y = await ScalarAsync<string>(schema.DataSource, PassedUserSql, newVersion, x, rest.Select(i => i.UserId).Distinct().ToArray());
        Assert.True(y is not null, $"no user before {x} has a prepared row and an interaction to come");
        var early = rest.First(i => i.UserId == y);
        rest.Remove(early);
        await using (var holdX = await RowLock.TakeAsync(schema.DataSource, newVersion, x))
        await using (var holdY = await RowLock.TakeAsync(schema.DataSource, newVersion, y, lockNow: false))
        {
            using var switching = CliProcess.Start(Upgrade());
            Assert.True(await Eventually.HoldsAsync(() => holdX.BlocksAnother(postgres.Admin) || switching.HasExited, Patience), switching.Output);
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, [early]);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == 2 * third + 1, Patience));
            await holdY.LockAsync();
            await holdX.DisposeAsync();
            Assert.True(await Eventually.HoldsAsync(() => holdY.BlocksAnother(postgres.Admin) || switching.HasExited, Patience), switching.Output);
            Assert.False(switching.HasExited, switching.Output);
            var held = await Assert.ThrowsAsync<PostgresException>(() => Execute(schema.DataSource, "SELECT serving_model FROM schema_version FOR UPDATE NOWAIT"));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, held.SqlState);
            await switching.KillAsync();
        }

        // Then nothing of the switch remains: the old model serves and still applies interactions
        Assert.Equal(oldVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));
        Assert.False(oldRun.IsCompleted);

        // And a second run switches; the old processor stops, a TCN processor applies the last third
        using (var switched = CliProcess.Start(Upgrade()))
        {
            Assert.True(await switched.ExitCodeAsync(Patience) == 0, switched.Output);
        }

        Assert.Equal(newVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));
        var stopped = await Assert.ThrowsAsync<ModelVersionMismatchException>(() => oldRun.WaitAsync(Patience));
        Assert.Equal(newVersion, stopped.ServingVersion);
        await oldProcessor.DisposeAsync();
        var newOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group);
        newOptions.ModelDir = others.TcnDir;
        await using (var newProcessor = await RunningProcessor.StartAsync(newOptions))
        {
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, rest);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions.Count, Patience));
        }

        // And the states equal a fresh replay of every interaction under the TCN: none lost, none applied twice
        var upgraded = await ProcessorStore.StatesAsync(schema.DataSource, newVersion);
        ProcessorStore.AssertSameStates(await FreshReplay.StatesAsync(kafka, postgres, harness, others.TcnDir, interactions), upgraded);
        Assert.Equal(interactions.Count, upgraded.Values.Sum(r => r.Interactions));
        Assert.Empty(ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, _ => false, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Serve_on_a_store_of_another_model_should_exit_2_with_one_sentence_naming_both_versions()
    {
        // Given a store that another model of the same dimension serves
        await using var schema = await postgres.CreateSchemaAsync("serve_mismatch");
        const string Other = "tcn-0123456789ab";
        var card = ModelCard.Load(harness.ModelDir);
        await StoreSchema.EnsureAsync(schema.DataSource, card.Config.Dim, Other);

        // When `zesrec serve` starts on it with the harness model
        using var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, Topics.Fresh(kafka), KafkaService.FreshGroup("mismatch"), "mismatch");
        var code = await serve.ExitCodeAsync(Patience);

        // Then it exits with the usage code and one sentence naming both versions and the way to upgrade
        Assert.True(code == 2, $"exit code {code}: {serve.Tail()}");
        var error = Assert.Single(serve.Tail(50).Split('\n'), l => l.StartsWith("zesrec serve: ", StringComparison.Ordinal) && l.Contains(Other, StringComparison.Ordinal));
        Assert.Contains(card.ModelVersion, error, StringComparison.Ordinal);
        Assert.Contains("zesrec upgrade --model", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", serve.Tail(50), StringComparison.Ordinal);
        Assert.Equal(Other, await StoreSchema.ServingVersionAsync(schema.DataSource));
    }

    private static long ItemsOf(NpgsqlDataSource dataSource, string version)
    {
        using var command = dataSource.CreateCommand("SELECT count(*) FROM items WHERE model_version = $1");
        command.Parameters.AddWithValue(version);
        return (long)command.ExecuteScalar()!;
    }

    // The last user, in the order the upgrade rebuilds them, whose serving row moved past a prepared new-version row.
    private const string FirstStaleSql = """
        SELECT o.user_id FROM user_states o JOIN user_states n ON n.model_version = $2 AND n.user_id = o.user_id
        WHERE o.model_version = $1 AND (n.last_offset <> o.last_offset OR n.interactions <> o.interactions)
        ORDER BY o.user_id DESC LIMIT 1
        """;

    // A user before it with a prepared row and an interaction still to come.
    private const string PassedUserSql = """
        SELECT user_id FROM user_states WHERE model_version = $1 AND user_id < $2 AND user_id = ANY($3) ORDER BY user_id LIMIT 1
        """;

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
