using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using ZesRec.DevBroker;
using ZesRec.DevBroker.Sasl;

BrokerOptions options;
IReadOnlyList<TopicSpec> topics;
try
{
    options = BrokerOptions.Parse(args, Environment.GetEnvironmentVariable);
    topics = TopicSpec.Load(options.TopicsFile);
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException)
{
    Console.Error.WriteLine($"zesrec-devbroker: {e.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
void RequestStop(PosixSignalContext context)
{
    // Handle the signal ourselves so the cluster is destroyed cleanly instead of the process dying.
    context.Cancel = true;
    stop.Cancel();
}

using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);

try
{
    using var cluster = MockCluster.Start();
    foreach (var topic in topics)
    {
        cluster.CreateTopic(topic.Name, topic.Partitions);
    }

    cluster.SetGroupInitialRebalanceDelay(options.RebalanceDelayMs);

    var (targetHost, targetPort) = SplitHostPort(cluster.Bootstraps);
    using var certificate = options.TlsCertFile is null ? null : X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
    var users = options.SaslUsers is null ? null : new SaslUsers(options.SaslUsers, options.SaslMechanisms ?? SaslUsers.AllMechanisms);
    var sasl = users is null ? null : new SaslGate(users, line => Console.WriteLine($"zesrec-devbroker: {line}"));
    await using (var forwarder = new TcpForwarder(IPAddress.Parse(options.Host), options.Port, targetHost, targetPort, certificate, sasl))
    {
        forwarder.Start();
        cluster.Advertise(options.Host, forwarder.LocalPort);
        var bootstrap = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{forwarder.LocalPort}");
        if (options.ReadyFile is not null)
        {
            WriteAtomically(options.ReadyFile, bootstrap + "\n");
        }

        Console.WriteLine(
            $"zesrec-devbroker: mock broker at {cluster.Bootstraps}{(certificate is null ? "" : ", TLS on the forwarded port")}{SaslSummary(users)}, topics: {string.Join(", ", topics.Select(t => $"{t.Name}({t.Partitions}, max {t.MaxMessageBytes} bytes)"))}");
        Console.WriteLine($"KAFKA_READY bootstrap={bootstrap}");
        if (options.ControlFile is not null)
        {
            // A stale request from an earlier run must not take the new broker down.
            File.Delete(options.ControlFile);
            await new BrokerControl(options.ControlFile, cluster, forwarder).RunAsync(stop.Token);
            Console.WriteLine("zesrec-devbroker: stopping");
        }
        else
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("zesrec-devbroker: stopping");
            }
        }
    }

    if (options.ReadyFile is not null)
    {
        File.Delete(options.ReadyFile);
    }
}
catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
{
    Console.Error.WriteLine($"zesrec-devbroker: {e.Message}");
    return 1;
}

Console.WriteLine("zesrec-devbroker: stopped");
return 0;

static (string Host, int Port) SplitHostPort(string bootstraps)
{
    var first = bootstraps.Split(',')[0];
    var colon = first.LastIndexOf(':');
    return (first[..colon], int.Parse(first[(colon + 1)..], CultureInfo.InvariantCulture));
}

// Names the users, never their passwords.
static string SaslSummary(SaslUsers? users) =>
    users is null ? "" : $", SASL ({string.Join(", ", users.Mechanisms)}) for user(s) {string.Join(", ", users.Names)}";

static void WriteAtomically(string path, string content)
{
    var full = Path.GetFullPath(path);
    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
    var temporary = full + ".tmp";
    File.WriteAllText(temporary, content);
    File.Move(temporary, full, overwrite: true);
}
