using Npgsql;

namespace ZesRec.Infra.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class PostgresRoleTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Service_role_should_have_no_admin_rights_when_connected_as_zesrec()
    {
        // Given
        await using var conn = await postgres.DataSource.OpenConnectionAsync();

        // When
        await using var cmd = new NpgsqlCommand(
            """
            SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
                   d.datdba = r.oid AS owns_database
            FROM pg_roles r
            JOIN pg_database d ON d.datname = current_database()
            WHERE r.rolname = current_user
            """,
            conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        // Then
        Assert.Equal("zesrec", reader.GetString(0));
        Assert.False(reader.GetBoolean(1), "superuser");
        Assert.False(reader.GetBoolean(2), "createdb");
        Assert.False(reader.GetBoolean(3), "createrole");
        Assert.False(reader.GetBoolean(4), "replication");
        Assert.False(reader.GetBoolean(5), "bypassrls");
        Assert.True(reader.GetBoolean(6), "owns its database");
    }

    [Fact]
    public async Task Service_role_should_be_refused_when_it_tries_to_create_a_database()
    {
        // Given
        await using var conn = await postgres.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE zesrec_forbidden_{Guid.NewGuid():N}", conn);

        // When
        var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());

        // Then
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }
}
