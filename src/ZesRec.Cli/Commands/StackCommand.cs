using ZesRec.Configuration;
using ZesRec.Model;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec stack</c>: brings up the local services and checks PostgreSQL, Kafka and TorchSharp.</summary>
public sealed class StackCommand : ICommand
{
    public string Name => "stack";

    public string Summary => "Start the local services (PostgreSQL + pgvector, Kafka dev broker) and check them.";

    public string Help => """
        Usage: zesrec stack

        Runs infra/dev/stack.sh up (installs what is missing on a fresh Debian 12 machine), then checks that
        PostgreSQL answers with pgvector installed, that the Kafka development broker lists the project's topics,
        and that TorchSharp computes on this machine. Stop the services with: bash infra/dev/stack.sh down
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        CommandChecks.RejectUnknownOptions(args);
        var stack = await LocalStack.UpAsync(cancellationToken);
        Console.WriteLine("ok  " + await LocalStack.CheckPostgresAsync(stack[LocalServices.PostgresConnectionStringKey]!, cancellationToken));
        Console.WriteLine("ok  " + LocalStack.CheckKafka(stack[LocalServices.KafkaBootstrapServersKey]!));
        Console.WriteLine("ok  " + TorchCheck());
        Console.WriteLine("The local stack is up. Stop it with: bash infra/dev/stack.sh down");
        return 0;
    }

    private static string TorchCheck()
    {
        using var a = TorchSharp.torch.ones(2, 3);
        var sum = a.sum().item<float>();
        var device = DeviceSelection.Resolve("auto");
        return $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} on {device.type}: sum(ones(2,3)) = {sum}";
    }
}
