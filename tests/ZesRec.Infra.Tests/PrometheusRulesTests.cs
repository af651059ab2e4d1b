using YamlDotNet.RepresentationModel;

namespace ZesRec.Infra.Tests;

/// <summary>The alert rules of infra/prometheus/alerts.yml, checked and unit-tested by Debian's promtool.</summary>
[Trait("Tier", "Integration")]
public sealed class PrometheusRulesTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "infra", "prometheus");

    public static TheoryData<string> RuleTests() => [.. Directory.GetFiles(Path.Combine(Folder, "tests"), "*.test.yml").Select(f => Path.GetFileName(f)).Order()];

    [Fact]
    public void Alert_rules_should_pass_promtool_check()
    {
        // When promtool checks the rule file and the scrape configuration that loads it
        var rules = PrometheusTools.Run(PrometheusTools.Promtool, ["check", "rules", "alerts.yml"], Folder);
        var config = PrometheusTools.Run(PrometheusTools.Promtool, ["check", "config", "prometheus.yml"], Folder);

        // Then both are valid
        Assert.True(rules.ExitCode == 0, rules.Output);
        Assert.True(config.ExitCode == 0, config.Output);
        Assert.Contains($"{AlertNames().Count} rules found", rules.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleTests))]
    public void Alert_rule_unit_test_should_pass(string file)
    {
        // When promtool runs the unit test file against the rules
        var (code, output) = PrometheusTools.Run(PrometheusTools.Promtool, ["test", "rules", file], Path.Combine(Folder, "tests"));

        // Then every expected alert (and every expected silence) holds
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_should_have_a_unit_test_and_a_runbook_section()
    {
        // Given the alerts, their unit tests and the operations guide
        var tested = Directory.GetFiles(Path.Combine(Folder, "tests"), "*.test.yml").Select(File.ReadAllText).ToList();
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md"));

        foreach (var (name, runbook) in AlertNames())
        {
            // Then each alert is expected to fire in some test, and its runbook link names a heading of the guide
            Assert.True(tested.Any(t => t.Contains($"alertname: {name}\n", StringComparison.Ordinal) && t.Contains("exp_labels", StringComparison.Ordinal)), $"{name} has no unit test");
            Assert.Equal($"docs/operations.md#{name.ToLowerInvariant()}", runbook);
            Assert.Contains($"### {name}\n", guide, StringComparison.Ordinal);
        }
    }

    private static List<(string Name, string Runbook)> AlertNames()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Folder, "alerts.yml")))
        {
            yaml.Load(reader);
        }

        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["groups"];
        return [.. groups.Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children["rules"]).Children.Cast<YamlMappingNode>())
            .Select(r => (r.Children["alert"].ToString(), ((YamlMappingNode)r.Children["annotations"]).Children["runbook"].ToString()))];
    }
}
