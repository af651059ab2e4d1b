namespace ZesRec.Streaming.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class ProcessorCollection : ICollectionFixture<KafkaService>, ICollectionFixture<PostgresService>, ICollectionFixture<ProcessorHarness>
{
    public const string Name = "Streaming processor";
}
