namespace ZesRec.Streaming.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresService>
{
    public const string Name = "Streaming PostgreSQL";
}
