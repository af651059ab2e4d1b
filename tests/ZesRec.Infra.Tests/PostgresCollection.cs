namespace ZesRec.Infra.Tests;

/// <summary>Postgres tests share one service (and its start-up cost) through this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Postgres";
}
