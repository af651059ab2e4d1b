using ZesRec.Data;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Reporting;
using ZesRec.Model;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Steps;

/// <summary>
/// What every step of an evaluation shares: the options, the guarded target, the models, the text encoder and
/// the target's item features. It owns the models and tensors and disposes them, also when a step fails.
/// </summary>
internal sealed class EvaluationContext(EvaluationOptions options, TextWriter log, Device device) : IDisposable
{
    private Tensor? text;
    private Tensor? ids;

    public EvaluationOptions Options => options;

    public TextWriter Log => log;

    public Device Device => device;

    public List<LoadedModel> Models { get; } = [];

    /// <summary>The source dataset given with <c>--source</c>: enables the overlap guard and the case study.</summary>
    public EventLogDataset? SourceData { get; set; }

    public PreparedDomain Target { get; set; } = null!;

    public ITextEncoder Encoder { get; set; } = null!;

    /// <summary>[N, F] text embeddings of the target items.</summary>
    public Tensor Text
    {
        get => text ?? throw new InvalidOperationException("the target's texts are not encoded yet");
        set => text = value;
    }

    public List<string> Checks { get; } = [];

    public OverlapCounts? Overlap { get; set; }

    /// <summary>What an oracle learns from: the target's text embeddings (-Meta) or its item ids, made on first use.</summary>
    public Tensor Features(OracleSpec spec) => spec.Meta ? Text : ids ??= ItemIdFeatures.Create(Target.ItemCount, device);

    public void Dispose()
    {
        ids?.Dispose();
        text?.Dispose();
        Encoder?.Dispose();
        foreach (var model in Models)
        {
            model.Model.Dispose();
        }
    }
}
