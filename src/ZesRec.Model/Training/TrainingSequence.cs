namespace ZesRec.Model.Training;

/// <summary>One user's items (dense catalogue indices) and their order keys, oldest first.</summary>
public sealed record TrainingSequence(int[] Items, long[] Times);
