namespace ZesRec.Data;

public sealed class PreparationOptions
{
    /// <summary>Share of users held out as validation users (their last item is the validation target).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    public int Seed { get; set; } = 42;

    /// <summary>Users with fewer interactions (after removing consecutive repeats) have no history to predict from.</summary>
    public int MinInteractions { get; set; } = 2;
}
