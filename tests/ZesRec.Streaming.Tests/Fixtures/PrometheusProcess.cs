using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A real Prometheus (Debian's package) of one test: its own port, data folder and configuration, scraping the given
/// targets every second with the repository's alert rules loaded. Killed and its folder removed on dispose.
/// </summary>
public sealed class PrometheusProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process process;
    private readonly string folder;
    private readonly OutputTail output;

    private PrometheusProcess(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        output = OutputTail.Follow(process);
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static PrometheusProcess Start(IEnumerable<string> targets)
    {
        var folder = Path.Combine(Path.GetTempPath(), "zesrec-prometheus-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var rules = Path.Combine(RepoPaths.Root, "infra", "prometheus", "alerts.yml");
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{rules}"]
            scrape_configs:
              - job_name: zesrec
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"\"{t}\""))}]
            """);
        var port = DevScript.FreePort();
        var start = new ProcessStartInfo(PrometheusTools.Prometheus)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        return new PrometheusProcess(Process.Start(start)!, folder, port);
    }

    /// <summary>The instant vector of a PromQL query (HTTP API); throws on a query error.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await Http.GetAsync($"{Url}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            // Prometheus answers 503 in plain text until its storage is ready.
            throw new HttpRequestException($"Prometheus answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"query {promql} failed: {body}");
        }

        var data = body.GetProperty("data");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. data.GetProperty("result").EnumerateArray().Select(r => (
                r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))],
            "scalar" => [([], double.Parse(data.GetProperty("result")[1].GetString()!, CultureInfo.InvariantCulture))],
            var other => throw new InvalidOperationException($"query {promql} returned a {other}"),
        };
    }

    /// <summary>The single value of a query, or null while it returns nothing (or Prometheus does not answer yet).</summary>
    public async Task<double?> ValueAsync(string promql)
    {
        try
        {
            var result = await QueryAsync(promql);
            return result.Count == 1 ? result[0].Value : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The names of every series Prometheus has stored.</summary>
    public async Task<IReadOnlySet<string>> MetricNamesAsync()
    {
        var body = await Http.GetFromJsonAsync<JsonElement>($"{Url}/api/v1/label/__name__/values");
        return body.GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet();
    }

    /// <summary>The loaded alerting rules: name and health ("ok" once evaluated without error).</summary>
    public async Task<IReadOnlyList<(string Name, string Health, string? Error)>> RulesAsync()
    {
        var body = await Http.GetFromJsonAsync<JsonElement>($"{Url}/api/v1/rules?type=alert");
        return [.. body.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!, r.TryGetProperty("lastError", out var e) ? e.GetString() : null))];
    }

    public string Tail(int lines = 15) => output.Last(lines);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
