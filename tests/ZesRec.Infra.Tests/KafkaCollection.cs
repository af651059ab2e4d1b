namespace ZesRec.Infra.Tests;

/// <summary>Kafka tests share one development broker (and the probe build) through this collection.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "Kafka";
}
