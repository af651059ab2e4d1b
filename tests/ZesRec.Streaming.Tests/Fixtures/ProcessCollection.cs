namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// The processor tests that run `zesrec serve` processes or kill them. A collection of their own, with their own
/// model and fresh topics and schemas per test, so that they run beside <see cref="ProcessorCollection"/>'s
/// in-process tests: most of both is waiting for a process, a broker or an outage to end.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection : ICollectionFixture<KafkaService>, ICollectionFixture<PostgresService>, ICollectionFixture<ProcessorHarness>
{
    public const string Name = "Streaming processes";
}
