using ZesRec.Data;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Baselines;

/// <summary>What a baseline without training is built from: the prepared target, its item texts' embeddings and the run's seed.</summary>
public sealed record BaselineInputs(PreparedDomain Target, Tensor Text, long Seed);
