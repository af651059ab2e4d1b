namespace ZesRec.Model.Training;

/// <summary>A training run that produced no usable model (for example a loss that diverged); nothing was saved.</summary>
public sealed class TrainingFailedException(string message) : Exception(message);
