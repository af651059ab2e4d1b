using ZesRec.Data;
using ZesRec.Data.Import;
using ZesRec.Evaluation.Guards;
using ZesRec.Evaluation.Rankers;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

/// <summary>
/// The product's promise on real data: every variant of <c>zesrec train</c>'s default configuration, trained
/// briefly on Scientific, ranks unseen Office users' next items better than EMB-KNN does. The paper's GRU4Rec
/// (no skip connection from the last item) falls below EMB-KNN here. Kept short: five epochs, the budget of the
/// Scientific → Office headline in docs/results.md (D = 64, two epochs on 3,000 users was too little: every variant
/// stayed below EMB-KNN).
/// </summary>
[Trait("Tier", "Integration")]
public sealed class ZeroShotTransferTests
{
    private static readonly Lazy<Domains> Shared = new(Load);

    public static TheoryData<string> Variants => [.. UserEncoderRegistry.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Default_preset_should_beat_emb_knn_on_an_unseen_domain_after_a_short_training(string variant)
    {
        // Given the default preset of this variant, trained briefly on Scientific
        var d = Shared.Value;
        var config = SessionGaps.Adapt(ZesRecPresets.Transfer with { Variant = UserEncoderVariant.Parse(variant), MaxEpochs = 5, Seed = 1 }, d.SourceData, TextWriter.Null);
        manual_seed(1);
        var model = new ZesRecModel(config, (int)d.SourceText.shape[1], d.Source.ItemCount);
        new Trainer(model, d.SourceText, CPU).Train(d.Train, d.Validation);

        // When it ranks every Office item for each Office test user's last item
        using var ranker = new SequenceModelRanker("ZESRec", model, d.TargetText);
        var ndcg = Evaluator.Evaluate(ranker, d.Target.Test, EvaluationProtocol.Paper, 1).Metrics.Ndcg20;

        // Then it beats EMB-KNN, the parameter-free text baseline
        Assert.True(ndcg > d.EmbKnnNdcg, $"{variant}: NDCG@20 {ndcg:F4} is not above EMB-KNN's {d.EmbKnnNdcg:F4}");
    }

    private static Domains Load()
    {
        var scientific = DatasetImporters.Import("recbole", RepoPaths.SharedData("amazon2018-scientific"), "scientific").Dataset;
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;
        var target = PreparedDomain.Prepare(LeakageGuard.RemoveOverlap(scientific, office, compareUsers: true).Cleaned);
        var source = PreparedDomain.Prepare(scientific, new PreparationOptions { Seed = 1 });
        using var encoder = TextEncoders.Create("minilm", Path.Combine(RepoPaths.Root, ".local", "cache", "text"));
        var sourceText = TextFeatures.Encode(encoder, source.ItemTexts, CPU);
        var targetText = TextFeatures.Encode(encoder, target.ItemTexts, CPU);
        var knn = Evaluator.Evaluate(new EmbKnnRanker(targetText), target.Test, EvaluationProtocol.Paper, 1).Metrics.Ndcg20;
        return new Domains(scientific, source, target, sourceText, targetText, TextFeatures.Sequences(source.Train), TextFeatures.Sequences(source.Validation), knn);
    }

    private sealed record Domains(
        EventLogDataset SourceData,
        PreparedDomain Source,
        PreparedDomain Target,
        Tensor SourceText,
        Tensor TargetText,
        List<TrainingSequence> Train,
        List<TrainingSequence> Validation,
        double EmbKnnNdcg);
}
