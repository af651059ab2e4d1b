using YamlDotNet.RepresentationModel;
using ZesRec.Configuration;

namespace ZesRec.Infra.Tests;

/// <summary>docker-compose.yml cannot run here (no Docker engine); these tests keep it in step with the defaults.</summary>
public sealed class DockerComposeTests
{
    private static readonly string Root = RepoPaths.Root;

    [Fact]
    public void Compose_should_define_every_service_of_the_stack_with_pinned_images()
    {
        // Given the compose file
        var services = Services();

        // Then it has Kafka, PostgreSQL with pgvector, Prometheus, Grafana and zesrec, and no image floats
        foreach (var name in new[] { "kafka", "postgres", "prometheus", "grafana", "zesrec" })
        {
            Assert.True(services.Children.ContainsKey(name), $"service {name} missing");
        }

        foreach (var (_, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            if (service.Children.TryGetValue("image", out var image))
            {
                var text = image.ToString();
                Assert.Contains(':', text);
                Assert.DoesNotContain(":latest", text, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(service.Children.ContainsKey("build"), "a service needs an image or a build");
            }
        }

        Assert.Contains("pgvector", Scalar(services, "postgres", "image"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "Dockerfile")));
    }

    [Fact]
    public void Compose_host_ports_should_match_the_project_defaults()
    {
        // Given the compose file and the default settings: the local services' addresses, and the metrics port as
        // docs/configuration.md states it (ConfigurationReferenceTests keeps that row equal to the code's default)
        var services = Services();
        var kafkaPort = LocalServices.KafkaBootstrapServers.Split(':')[1];
        var pgPort = LocalServices.PostgresConnectionString
            .Split(';').Single(p => p.StartsWith("Port=", StringComparison.Ordinal))[5..];
        var metricsPort = File.ReadAllLines(Path.Combine(Root, "docs", "configuration.md"))
            .Single(l => l.StartsWith("| `Metrics:Port` |", StringComparison.Ordinal))
            .Split('|', StringSplitOptions.TrimEntries)[3].Trim('`');

        // Then the published host ports are the same ones the local stack uses
        Assert.Contains(HostPorts(services, "kafka"), p => p.StartsWith($"{kafkaPort}:", StringComparison.Ordinal));
        Assert.Contains(HostPorts(services, "postgres"), p => p.StartsWith($"{pgPort}:", StringComparison.Ordinal));
        Assert.Contains(HostPorts(services, "zesrec"), p => p.StartsWith($"{metricsPort}:", StringComparison.Ordinal));
        Assert.Equal("55432", pgPort);
        Assert.Equal("59092", kafkaPort);
    }

    [Fact]
    public void Compose_should_mount_the_prometheus_and_grafana_files_that_exist_in_infra()
    {
        // Given the compose file
        var services = Services();

        // Then every host path it mounts exists in the repository
        foreach (var (_, node) in services.Children)
        {
            if (((YamlMappingNode)node).Children.TryGetValue("volumes", out var volumes))
            {
                foreach (var volume in ((YamlSequenceNode)volumes).Children.Select(v => v.ToString()))
                {
                    var host = volume.Split(':')[0];
                    if (host.StartsWith("./infra", StringComparison.Ordinal))
                    {
                        Assert.True(Path.Exists(Path.Combine(Root, host)), $"{host} is mounted but missing");
                    }
                }
            }
        }
    }

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["services"];
    }

    private static string Scalar(YamlMappingNode services, string service, string key) =>
        ((YamlMappingNode)services.Children[service]).Children[key].ToString();

    private static string[] HostPorts(YamlMappingNode services, string service) =>
        [.. ((YamlSequenceNode)((YamlMappingNode)services.Children[service]).Children["ports"]).Children.Select(p => p.ToString())];
}
