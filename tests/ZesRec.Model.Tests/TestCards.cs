using ZesRec.Model.Training;

namespace ZesRec.Model.Tests;

internal static class TestCards
{
    public static ModelCard For(ZesRecConfig config, TrainingResult result) => new()
    {
        ModelVersion = "test",
        Config = config,
        TextEncoder = "synthetic",
        TextDim = SyntheticDomain.TextDim,
        SourceDataset = "synthetic",
        DataFingerprint = "none",
        SourceItems = SyntheticDomain.Items,
        TrainUsers = 0,
        ValidationUsers = 0,
        BestEpoch = result.BestEpoch,
        BestValidationLoss = result.BestValidationLoss,
        TrainingSeconds = result.Duration.TotalSeconds,
        Device = "cpu",
        CreatedAt = DateTimeOffset.UnixEpoch,
    };
}
