namespace ZesRec.Configuration;

/// <summary>
/// The addresses of the local development services (infra/dev/stack.sh on its default ports): the defaults of the
/// connection settings, so that a fresh clone runs without any configuration. Written nowhere else in the code.
/// </summary>
public static class LocalServices
{
    public const string KafkaBootstrapServersKey = "Kafka:BootstrapServers";

    public const string PostgresConnectionStringKey = "Postgres:ConnectionString";

    public const string KafkaBootstrapServers = "127.0.0.1:59092";

    public const string PostgresConnectionString = "Host=127.0.0.1;Port=55432;Database=zesrec;Username=zesrec;Password=zesrec";
}
