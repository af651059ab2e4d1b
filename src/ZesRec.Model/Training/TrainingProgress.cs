namespace ZesRec.Model.Training;

/// <summary>Progress inside an epoch, reported after every batch.</summary>
public readonly record struct TrainingProgress(int Epoch, int MaxEpochs, int Batch, int Batches, long Interactions, TimeSpan Elapsed, double RunningLoss);
