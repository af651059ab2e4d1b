namespace ZesRec.Model.Training;

/// <summary>What one epoch did; validation loss is measured with offsets dropped, as the model is served.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationLoss, double InteractionsPerSecond, double Seconds, bool Improved);
