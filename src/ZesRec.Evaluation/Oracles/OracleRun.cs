namespace ZesRec.Evaluation.Oracles;

/// <summary>
/// One training of an oracle: the settings, how they were chosen (<c>given</c> by --oracle-settings, <c>grid</c>
/// or <c>default</c>), its best epoch and validation loss, and whether it was the one evaluated. report.md and
/// results.csv carry every run, so a grid's picks can be read back and passed as --oracle-settings.
/// </summary>
public sealed record OracleRun(
    string Oracle,
    long Seed,
    string ChosenBy,
    int Dim,
    double LearningRate,
    int BestEpoch,
    double ValidationLoss,
    double Seconds,
    bool Chosen)
{
    /// <summary>main, or incremental for the budget runs.</summary>
    public string Experiment { get; init; } = "main";

    public long TrainInteractions { get; init; }
}
