using ZesRec.Model.Training;

namespace ZesRec.Evaluation.Oracles;

/// <summary>Progress of one oracle's training inside an epoch, for a progress bar.</summary>
public readonly record struct OracleProgress(string Oracle, long Seed, TrainingProgress Training);
