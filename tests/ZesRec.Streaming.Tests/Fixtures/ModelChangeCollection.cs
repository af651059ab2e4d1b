namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// The tests that change a store's model (upgrades, their crashes, adaptation, version checks) and the one that
/// kills a processor ten times: a third collection beside <see cref="ProcessorCollection"/> and
/// <see cref="ProcessCollection"/>, with its own model and fresh topics and schemas per test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ModelChangeCollection : ICollectionFixture<KafkaService>, ICollectionFixture<PostgresService>, ICollectionFixture<ProcessorHarness>, ICollectionFixture<OtherModels>
{
    public const string Name = "Streaming model changes";
}
