using System.Diagnostics;
using System.Globalization;
using ZesRec.Data;
using ZesRec.Evaluation.Guards;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;
using ZesRec.Evaluation.Reporting;
using ZesRec.Model;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Evaluation;

/// <summary>
/// <c>zesrec evaluate</c>: zero-shot ZESRec models and the baselines on a target domain's test split, with the
/// leakage guards, the incremental-training experiment and the case study; writes report.md, results.csv and plots.
/// </summary>
public static class EvaluationJob
{
    private static readonly string[] Known = ["random", "pop", "embknn", "gru4rec", "tcn", "hrnn", "gru4rec-meta", "tcn-meta", "hrnn-meta"];

    public static EvaluationResult Run(EvaluationOptions options, TextWriter log, string commandLine = "")
    {
        var clock = Stopwatch.StartNew();
        var unknown = options.Baselines.Where(b => !Known.Contains(b, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown baseline(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Known)}");
        }

        if (options.Seeds < 1)
        {
            throw new ArgumentException($"seeds must be at least 1, was {options.Seeds}");
        }

        if (options.FirstSeed < 0)
        {
            throw new ArgumentException($"first seed must be 0 or more, was {options.FirstSeed}");
        }

        var device = DeviceSelection.Resolve(options.Device);
        var checks = new List<string>();
        var rows = new List<ResultRow>();
        var targetData = EventLogDataset.Load(options.TargetDir);
        var models = options.ModelDirs.Select(dir => (Dir: dir, Loaded: ModelCheckpoint.Load(dir, device))).ToList();

        EventLogDataset? sourceData = null;
        if (options.SourceDir is not null)
        {
            sourceData = EventLogDataset.Load(options.SourceDir);
            foreach (var (_, (_, card)) in models)
            {
                LeakageGuard.VerifySource(card, sourceData);
            }

            checks.Add($"source '{sourceData.Name}' has the data fingerprint recorded in every model card");
            var overlap = LeakageGuard.RemoveOverlap(sourceData, targetData, options.CompareUsers);
            checks.Add($"overlap with the source: {overlap.SharedItemIds.Count} shared items, {overlap.SharedUserIds.Count} shared users (user ids {(options.CompareUsers ? "compared" : "not compared")}); removed from the target: {overlap.RemovedInteractions} interactions");
            targetData = overlap.Cleaned;
            LeakageGuard.AssertDisjoint(sourceData, targetData, options.CompareUsers);
        }
        else
        {
            checks.Add("no --source given: overlap between source and target NOT checked");
        }

        foreach (var (_, (_, card)) in models)
        {
            LeakageGuard.RejectTrainingData(card, targetData);
        }

        var target = PreparedDomain.Prepare(targetData);
        TemporalGuard.Check(target);
        checks.Add($"every test target comes after its user's training interactions and is in no training or validation sequence ({target.Test.Count:N0} users)");
        log.WriteLine($"target {target.Name}: {target.ItemCount:N0} items, {target.Test.Count:N0} test users, {target.Train.Count:N0} train / {target.Validation.Count:N0} validation users");

        using var encoder = TextEncoders.Create(options.Encoder, options.CacheDir);
        foreach (var (dir, (_, card)) in models)
        {
            if (!string.Equals(card.TextEncoder, encoder.Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"model {dir} was trained with text encoder '{card.TextEncoder}', not '{encoder.Name}': pass the matching --encoder");
            }
        }

        using var text = TextFeatures.Encode(encoder, target.ItemTexts, device);
        var protocols = new List<EvaluationProtocol> { EvaluationProtocol.Paper };
        if (options.ExcludeSeen)
        {
            protocols.Add(new EvaluationProtocol(false, true));
        }

        if (options.AllPositions)
        {
            protocols.Add(new EvaluationProtocol(true, options.ExcludeSeen));
        }

        var trainInteractions = target.Train.Concat(target.Validation).Sum(u => (long)u.Items.Length);

        void Evaluate(IRanker ranker, string run, long seed, double trainSeconds, string experiment = "main", long interactions = 0, IReadOnlyList<EvaluationProtocol>? only = null)
        {
            foreach (var protocol in only ?? protocols)
            {
                var watch = Stopwatch.StartNew();
                var outcome = Evaluator.Evaluate(ranker, target.Test, protocol, seed);
                var row = new ResultRow(experiment, ranker.Name, run, protocol.Name, interactions, outcome.Metrics, trainSeconds + watch.Elapsed.TotalSeconds);
                rows.Add(row);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{experiment,-11} {ranker.Name,-16} {run,-24} {protocol.Name,-28} NDCG@20 {outcome.Metrics.Ndcg20:F4}  Recall@20 {outcome.Metrics.Recall20:F4}  MRR {outcome.Metrics.Mrr:F4}  ({row.Seconds:F1} s)"));
            }
        }

        // Zero-shot ZESRec: models trained on the source only; a model is one run of its variant.
        long[]? caseRanks = null;
        SequenceModelRanker? caseRanker = null;
        for (var m = 0; m < models.Count; m++)
        {
            var (dir, (model, card)) = models[m];
            var ranker = new SequenceModelRanker("ZESRec-" + VariantName(card.Config.Variant), model, text);
            Evaluate(ranker, $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))}", m + 1, 0);
            if (caseRanker is null && sourceData is not null && options.CaseStudyUsers > 0)
            {
                caseRanker = ranker;
                caseRanks = Evaluator.Evaluate(ranker, target.Test, EvaluationProtocol.Paper, m + 1).Ranks;
            }
        }

        var oracles = new List<OracleSpec>();
        using var ids = options.Baselines.Any(b => OracleSpec.TryParse(b, out var s) && !s!.Meta) ? ItemIdFeatures.Create(target.ItemCount, device) : null;
        var trainer = new OracleTrainer(new ZesRecConfig { MaxEpochs = options.MaxEpochs }, options.Grid, log, options.OracleSettings);
        for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
        {
            var run = $"seed {seed}";
            foreach (var name in options.Baselines.Select(b => b.ToLowerInvariant()))
            {
                switch (name)
                {
                    case "random":
                        Evaluate(new RandomRanker(target.ItemCount, seed), run, seed, 0);
                        break;
                    case "pop":
                        Evaluate(new PopularityRanker(target.ItemCount, target.Train.Concat(target.Validation)), run, seed, 0);
                        break;
                    case "embknn":
                        Evaluate(new EmbKnnRanker(text), run, seed, 0);
                        break;
                    default:
                        OracleSpec.TryParse(name, out var spec);
                        if (seed == options.FirstSeed)
                        {
                            oracles.Add(spec!);
                        }

                        var trained = trainer.Train(spec!, spec!.Meta ? text : ids!, target.Train, target.Validation, seed);
                        using (var ranker = new SequenceModelRanker(spec.Name, trained.Model, spec.Meta ? text : ids!))
                        {
                            Evaluate(ranker, run, seed, trained.Seconds, interactions: trainInteractions);
                        }

                        break;
                }
            }
        }

        var plots = new List<string>();
        if (options.IncrementalSizes.Count > 0 && oracles.Count > 0)
        {
            foreach (var size in options.IncrementalSizes)
            {
                for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
                {
                    var subset = InteractionBudget.Sample(target, size, seed);
                    log.WriteLine($"incremental {size:N0}: {subset.Train.Count} train + {subset.Validation.Count} validation users, {subset.Interactions:N0} interactions (seed {seed})");
                    foreach (var spec in oracles)
                    {
                        var trained = trainer.Train(spec, spec.Meta ? text : ids!, subset.Train, subset.Validation, seed);
                        using var ranker = new SequenceModelRanker(spec.Name, trained.Model, spec.Meta ? text : ids!);
                        Evaluate(ranker, $"seed {seed}", seed, trained.Seconds, "incremental", size, [EvaluationProtocol.Paper]);
                    }
                }
            }

            plots.AddRange(IncrementalPlot.SaveAll(options.OutDir, rows));
        }

        string? caseStudy = null;
        if (caseRanker is not null && caseRanks is not null && sourceData is not null)
        {
            var source = PreparedDomain.Prepare(sourceData);
            using var sourceText = TextFeatures.Encode(encoder, source.ItemTexts, device);
            using var sourceRanker = new SequenceModelRanker(caseRanker.Name, caseRanker.Model, sourceText);
            caseStudy = CaseStudy.Write(caseRanker, target, caseRanks, sourceRanker, source, options.CaseStudyUsers);
        }

        var result = new EvaluationResult(rows, ScoreSanity.Warnings(rows), checks, caseStudy, plots, target.Name, target.ItemCount, target.Test.Count, clock.Elapsed.TotalSeconds);
        foreach (var warning in result.Warnings)
        {
            log.WriteLine(warning);
        }

        Directory.CreateDirectory(options.OutDir);
        ResultCsv.Write(Path.Combine(options.OutDir, "results.csv"), rows);
        File.WriteAllText(Path.Combine(options.OutDir, "report.md"), MarkdownReport.Render(result, commandLine));
        log.WriteLine($"wrote {Path.Combine(options.OutDir, "report.md")} and results.csv in {clock.Elapsed.TotalSeconds:F0} s");
        foreach (var (_, (model, _)) in models)
        {
            model.Dispose();
        }

        return result;
    }

    private static string VariantName(UserEncoderVariant v) => v switch
    {
        UserEncoderVariant.Gru4Rec => "GRU4Rec",
        UserEncoderVariant.Tcn => "TCN",
        UserEncoderVariant.Hrnn => "HRNN",
        _ => v.ToString(),
    };
}
