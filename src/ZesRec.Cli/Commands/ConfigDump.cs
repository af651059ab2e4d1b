using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec serve --print-config</c>: the settings as loaded (appsettings.json, ZESREC_ variables, flags), as JSON
/// with secrets masked, so an operator can see what a deployment's environment amounts to without starting it.
/// </summary>
internal static partial class ConfigDump
{
    private const string Mask = "***";

    public static string Render(ServeOptions options)
    {
        var json = JsonSerializer.SerializeToNode(options, new JsonSerializerOptions { WriteIndented = true })!.AsObject();
        var client = json["Kafka"]!["Client"]!.AsObject();
        foreach (var (key, _) in client.ToList())
        {
            // A *_FILE key holds a path, which is safe to show; the secret itself is never read here.
            if (!key.EndsWith(KafkaClientProperties.FileSuffix, StringComparison.Ordinal) && KafkaClientProperties.IsSecret(key))
            {
                client[key] = Mask;
            }
        }

        var postgres = json["Postgres"]!.AsObject();
        postgres["ConnectionString"] = Password().Replace(postgres["ConnectionString"]!.GetValue<string>(), $"$1{Mask}");
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    [GeneratedRegex(@"((?:^|;)\s*Password\s*=\s*)[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex Password();
}
