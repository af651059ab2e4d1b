using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so its zesrec service's environment is loaded through the
/// real configuration loader (`zesrec serve --print-config`, the CLI build) and checked against the other services.
/// </summary>
[Trait("Tier", "Integration")]
public sealed partial class ComposeConfigurationTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void Compose_environment_should_load_into_the_compose_hosts_and_a_listener_for_other_containers()
    {
        // Given the zesrec service's environment as compose would pass it (defaults of ${VAR:-default} applied)
        var environment = Environment("zesrec");

        // When the real loader reads it
        var config = PrintConfig(environment);

        // Then Kafka is the kafka service's internal listener, PostgreSQL the postgres service's container port
        var kafka = config.GetProperty("Kafka");
        Assert.Equal($"kafka:{ListenerPort("INTERNAL")}", kafka.GetProperty("BootstrapServers").GetString());
        var postgres = config.GetProperty("Postgres").GetProperty("ConnectionString").GetString()!;
        Assert.Contains("Host=postgres;", postgres, StringComparison.Ordinal);
        Assert.Contains($"Port={ContainerPort("postgres")};", postgres, StringComparison.Ordinal);
        Assert.Contains("Password=***", postgres, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=zesrec", postgres, StringComparison.Ordinal);

        // And the metrics listener binds every interface on the port compose publishes and Prometheus scrapes
        var metrics = config.GetProperty("Metrics");
        Assert.Equal("0.0.0.0", metrics.GetProperty("Host").GetString());
        Assert.Equal(ContainerPort("zesrec"), metrics.GetProperty("Port").GetInt32());
        Assert.Contains($"\"zesrec:{ContainerPort("zesrec")}\"", File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "prometheus", "prometheus.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_compose_variable_should_name_a_setting_the_loader_knows()
    {
        // Given the loaded settings
        var environment = Environment("zesrec");
        var config = PrintConfig(environment);

        foreach (var name in environment.Keys)
        {
            // Then each variable is ZESREC_-prefixed and its path (Section__Key) exists, so no typo is silently ignored
            Assert.StartsWith("ZESREC_", name, StringComparison.Ordinal);
            var node = config;
            foreach (var part in name["ZESREC_".Length..].Split("__"))
            {
                var found = node.EnumerateObject().Where(p => string.Equals(p.Name, part, StringComparison.OrdinalIgnoreCase)).ToList();
                Assert.True(found.Count == 1, $"{name}: no setting '{part}'");
                node = found[0].Value;
            }
        }
    }

    [Fact]
    public void Train_service_should_write_the_model_folder_that_zesrec_serves()
    {
        // Given the one-shot train service and the zesrec service
        var train = (YamlMappingNode)Services.Children["train"];
        var zesrec = (YamlMappingNode)Services.Children["zesrec"];

        // Then train writes <models mount>/current, which zesrec mounts (read-only) and serves
        var script = string.Join('\n', ((YamlSequenceNode)train.Children["command"]).Children.Select(c => c.ToString()));
        Assert.Contains("--out /models/current", script, StringComparison.Ordinal);
        Assert.Contains("./models:/models", Volumes(train));
        Assert.Contains("./models:/models:ro", Volumes(zesrec));
        Assert.Contains("/models/current", ((YamlSequenceNode)zesrec.Children["command"]).Children.Select(c => c.ToString()));
        Assert.Contains("tools", ((YamlSequenceNode)train.Children["profiles"]).Children.Select(c => c.ToString()));
    }

    [Fact]
    public async Task Metrics_listener_on_every_interface_should_answer_a_scrape_addressed_to_the_service_name()
    {
        // Given the health server as compose configures it (every interface), on a free port
        using var server = new HealthServer("0.0.0.0", 0, () => (true, ""));
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(address is not null, "this machine has no non-loopback IPv4 address to scrape from");

        // When another host scrapes it by that address, as Prometheus would by the service name
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}:{server.Port}/metrics");
        request.Headers.Host = $"zesrec:{server.Port}";
        using var response = await http.SendAsync(request);

        // Then it answers with the metrics
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("process_start_time_seconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Runs the CLI build's `serve --print-config` with only the given ZESREC_ variables.</summary>
    private static JsonElement PrintConfig(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var cli = Path.Combine(RepoPaths.Root, "src", "ZesRec.Cli", "bin", configuration, "net10.0", "linux-x64", "zesrec.dll");
        Assert.True(File.Exists(cli), $"{cli} not built: build the solution first");
        var start = new ProcessStartInfo("dotnet", [cli, "serve", "--print-config"])
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ZESREC_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static Dictionary<string, string> Environment(string service)
    {
        var environment = (YamlMappingNode)((YamlMappingNode)Services.Children[service]).Children["environment"];
        return environment.Children.ToDictionary(p => p.Key.ToString(), p => Interpolate(p.Value.ToString()));
    }

    /// <summary>Compose's interpolation for the forms the file uses: ${VAR:-default} (no VAR set here) and $$.</summary>
    private static string Interpolate(string value) => Default().Replace(value, m => m.Groups[1].Value).Replace("$$", "$", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}")]
    private static partial Regex Default();

    private static int ListenerPort(string listener)
    {
        var listeners = ((YamlMappingNode)((YamlMappingNode)Services.Children["kafka"]).Children["environment"]).Children[new YamlScalarNode("KAFKA_LISTENERS")].ToString();
        var entry = listeners.Split(',').Single(l => l.StartsWith(listener + "://", StringComparison.Ordinal));
        return int.Parse(entry[(entry.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The container side of a service's first published port.</summary>
    private static int ContainerPort(string service)
    {
        var mapping = ((YamlSequenceNode)((YamlMappingNode)Services.Children[service]).Children["ports"]).Children[0].ToString();
        return int.Parse(mapping.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<string> Volumes(YamlMappingNode service) => [.. ((YamlSequenceNode)service.Children["volumes"]).Children.Select(v => v.ToString())];

    private static YamlMappingNode LoadServices()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["services"];
    }
}
