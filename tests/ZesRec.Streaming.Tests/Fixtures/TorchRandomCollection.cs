namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Tests that compare two trainings weight for weight: model initialisation and dropout draw from libtorch's one
/// process-wide generator, which tests running beside them would draw from too, so these run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "libtorch's random numbers";
}
