using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// A real Prometheus scrapes a running `zesrec serve` while a dataset is replayed: its PromQL answers equal what the
/// replay produced, every Grafana panel query and every alert rule names only series the processor exports, and the
/// alert rules evaluate without error against the live series.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Tier", "Integration")]
public sealed partial class PrometheusScrapeTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Prometheus_should_scrape_serve_and_answer_the_replayed_counters_and_every_dashboard_query()
    {
        // Given a `zesrec serve` process and a Prometheus scraping its /metrics with the repository's alert rules
        await using var schema = await postgres.CreateSchemaAsync("prom");
        var topics = Topics.Fresh(kafka);
        using var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("prom"), "prom");
        using var prometheus = PrometheusProcess.Start([$"127.0.0.1:{serve.MetricsPort}"]);
        Assert.True(await Eventually.HoldsAsync(async () => await prometheus.ValueAsync("zesrec_ready") == 1, Patience), $"never scraped ready; serve:\n{serve.Tail()}\nprometheus:\n{prometheus.Tail()}");

        // When the tiny Office target is replayed through Kafka, items first (after one bad item event, so that a dead
        // letter is counted) and its interactions once the catalogue holds them, and the processor stored every offset
        using var producer = new KafkaProducer(kafka.Settings("prom-replay"));
        await producer.ProduceAsync(topics.Items, "bad", "{\"version\":1,"u8.ToArray());
        var replay = new ReplayOptions { ItemsTopic = topics.Items, InteractionsTopic = topics.Interactions };
        var items = await new DatasetReplayer(producer, replay with { PublishInteractions = false }).ReplayAsync(harness.Target);
        Assert.True(
            await Eventually.HoldsAsync(async () => await prometheus.ValueAsync("zesrec_catalog_items") == items.ItemsPublished, Patience),
            $"catalogue: Prometheus {await prometheus.ValueAsync("zesrec_catalog_items")}, /metrics {await serve.MetricAsync("zesrec_catalog_items")}, replayed {items.ItemsPublished}");
        var report = await new DatasetReplayer(producer, replay with { PublishItems = false }).ReplayAsync(harness.Target);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == report.InteractionsPublished, Patience), serve.Tail());

        // Then PromQL returns the counters of the replay: every event consumed, one recommendation or dead letter for
        // each interaction, one dead letter for the bad item
        var consumedItems = $"sum(zesrec_events_consumed_total{{topic=\"{topics.Items}\"}})";
        var consumedInteractions = $"sum(zesrec_events_consumed_total{{topic=\"{topics.Interactions}\"}})";
        var outcomes = $"sum(zesrec_events_produced_total{{topic=~\"{topics.Recommendations}|{topics.DeadLetter}\"}})";
        Assert.True(
            await Eventually.HoldsAsync(async () => await prometheus.ValueAsync(consumedInteractions) == report.InteractionsPublished && await prometheus.ValueAsync(outcomes) == report.InteractionsPublished + 1, Patience),
            $"interactions {await prometheus.ValueAsync(consumedInteractions)}, recommendations + dead letters {await prometheus.ValueAsync(outcomes)}, replayed {report.InteractionsPublished}");
        Assert.Equal(items.ItemsPublished + 1, await prometheus.ValueAsync(consumedItems));
        Assert.Equal(1, await prometheus.ValueAsync("sum(zesrec_deadletters_total{reason=\"invalid_json\"})"));
        var recommendations = await prometheus.ValueAsync($"sum(zesrec_events_produced_total{{topic=\"{topics.Recommendations}\"}})");
        Assert.True(recommendations > 0, $"no recommendation counted; dead letters: {string.Join(", ", (await prometheus.QueryAsync("sum by (reason) (zesrec_deadletters_total)")).Select(r => $"{r.Labels.GetValueOrDefault("reason")} {r.Value}"))}");
        Assert.Equal(recommendations, await serve.MetricSumAsync("zesrec_events_produced_total", $"topic=\"{topics.Recommendations}\""));
        Assert.Equal(1, await prometheus.ValueAsync("up{job=\"zesrec\"}"));
        var latencies = await serve.MetricAsync("zesrec_pipeline_event_to_recommendation_seconds_count");
        Assert.True(latencies >= recommendations, $"{latencies} latencies observed for {recommendations} recommendations");
        Assert.Equal(latencies, await prometheus.ValueAsync("sum(zesrec_pipeline_event_to_recommendation_seconds_count)"));
        output.WriteLine($"replayed {items.ItemsPublished} items, {report.InteractionsPublished} interactions; Prometheus counted {recommendations} recommendations");

        // And every Grafana panel query and every alert rule names only series Prometheus scraped from the processor
        var scraped = await prometheus.MetricNamesAsync();
        foreach (var (where, expr) in DashboardQueries().Concat(AlertExpressions()))
        {
            var names = MetricName().Matches(expr).Select(m => m.Value).Distinct().ToList();
            Assert.NotEmpty(names);
            foreach (var name in names)
            {
                Assert.True(scraped.Contains(name), $"{where}: {name} is not exported by the processor (query: {expr})");
            }

            // And Prometheus accepts the query itself
            _ = await prometheus.QueryAsync(expr);
        }

        // And the alert rules evaluate against the live series without error
        Assert.True(await Eventually.HoldsAsync(async () => (await prometheus.RulesAsync()).All(r => r.Health == "ok"), Patience),
            string.Join("; ", (await prometheus.RulesAsync()).Select(r => $"{r.Name}: {r.Health} {r.Error}")));
    }

    /// <summary>Metric names in PromQL: the processor's own (zesrec_*), the runtime's (process_*) and Prometheus' up.</summary>
    [GeneratedRegex(@"\b(zesrec_[a-z0-9_]+|process_[a-z0-9_]+|up(?=\{))\b")]
    private static partial Regex MetricName();

    private static IEnumerable<(string Where, string Expr)> DashboardQueries()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "infra", "grafana", "dashboards"), "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in Panels(json.RootElement))
            {
                foreach (var target in panel.TryGetProperty("targets", out var t) ? t.EnumerateArray() : default)
                {
                    yield return ($"{Path.GetFileName(file)} panel '{panel.GetProperty("title").GetString()}'", target.GetProperty("expr").GetString()!);
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Panels(JsonElement container)
    {
        foreach (var panel in container.TryGetProperty("panels", out var panels) ? panels.EnumerateArray() : default)
        {
            yield return panel;
            foreach (var nested in Panels(panel))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<(string Where, string Expr)> AlertExpressions()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, "infra", "prometheus", "alerts.yml")))
        {
            yaml.Load(reader);
        }

        return ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["groups"]).Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children["rules"]).Children.Cast<YamlMappingNode>())
            .Select(r => ($"alert {r.Children["alert"]}", r.Children["expr"].ToString()));
    }
}
