namespace ZesRec.Model.Training;

public sealed record TrainingResult(IReadOnlyList<EpochReport> Epochs, int BestEpoch, double BestValidationLoss, TimeSpan Duration);
