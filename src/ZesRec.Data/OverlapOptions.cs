namespace ZesRec.Data;

public enum OverlapSide
{
    Target,
    Source,
}

public sealed class OverlapOptions
{
    /// <summary>Which dataset loses the shared users and items; dropping from the target keeps the training data whole.</summary>
    public OverlapSide DropFrom { get; set; } = OverlapSide.Target;

    /// <summary>
    /// Compare user ids too. Turn off when either side has dataset-local integer user ids (RecBole Games,
    /// ReChorus Office): equal integers there are not the same person.
    /// </summary>
    public bool CompareUsers { get; set; } = true;

    /// <summary>Where the report of what was removed goes; null for silence.</summary>
    public TextWriter? Log { get; set; } = Console.Out;
}
