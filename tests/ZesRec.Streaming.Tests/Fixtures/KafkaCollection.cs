namespace ZesRec.Streaming.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaService>
{
    public const string Name = "Streaming Kafka";
}
