using Npgsql;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>The database password from a PostgreSQL password file (Passfile=), as docs/streaming.md tells operators.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class PostgresPassfileTests(PostgresService postgres)
{
    [Fact]
    public async Task Processor_store_should_log_in_with_the_password_from_a_passfile_and_fail_with_a_wrong_one()
    {
        // Given the service's connection string without its password, and password files holding the right and a wrong one
        var given = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var folder = Directory.CreateTempSubdirectory("zesrec-passfile-");
        try
        {
            string Passfile(string name, string password)
            {
                var path = Path.Combine(folder.FullName, name);
                File.WriteAllText(path, $"{given.Host}:{given.Port}:{given.Database}:{given.Username}:{password}\n");
                return path;
            }

            string Without(string passfile) => new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = null, Passfile = passfile }.ConnectionString;

            // When the processor's data source connects with each
            await using var right = StoreDataSource.Create(Without(Passfile("right", given.Password!)));
            await using var wrong = StoreDataSource.Create(Without(Passfile("wrong", given.Password + "-not")));

            // Then the right file logs in, and the wrong one is refused by the server
            await using (var command = right.CreateCommand("SELECT current_user"))
            {
                Assert.Equal(given.Username, await command.ExecuteScalarAsync());
            }

            await using var refused = wrong.CreateCommand("SELECT 1");
            var e = await Assert.ThrowsAsync<PostgresException>(() => refused.ExecuteScalarAsync());
            Assert.Equal("28P01", e.SqlState); // invalid_password
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
