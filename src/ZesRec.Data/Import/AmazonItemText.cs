using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ZesRec.Data.Import;

/// <summary>
/// Item text from an Amazon 2018 metadata line: the title, or the description where the title is HTML
/// debris (every Magazine Subscriptions title is a scraped <c>&lt;span class=...</c> fragment) or empty;
/// brand and categories as the last resort, so an item is dropped only when it has no words at all.
/// </summary>
internal static partial class AmazonItemText
{
    public static string From(JsonElement meta)
    {
        var title = Clean(StringOf(meta, "title"));
        if (title.Length > 0 && !LooksLikeHtml(StringOf(meta, "title")))
        {
            return title;
        }

        var description = string.Join(' ', StringsOf(meta, "description").Select(Clean).Where(s => s.Length > 0));
        if (description.Length > 0)
        {
            return description;
        }

        var categories = StringsOf(meta, "category").Select(Clean).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal);
        return string.Join(". ", new[] { Clean(StringOf(meta, "brand")), string.Join(", ", categories) }.Where(s => s.Length > 0));
    }

    private static bool LooksLikeHtml(string raw) => HtmlTag().IsMatch(raw) || raw.TrimStart().StartsWith('<');

    private static string Clean(string raw) =>
        Whitespace().Replace(WebUtility.HtmlDecode(HtmlTag().Replace(raw, " ")), " ").Trim();

    private static string StringOf(JsonElement meta, string name) =>
        meta.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";

    private static IEnumerable<string> StringsOf(JsonElement meta, string name) =>
        !meta.TryGetProperty(name, out var e) ? []
        : e.ValueKind == JsonValueKind.String ? [e.GetString()!]
        : e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
        : [];

    [GeneratedRegex(@"</?[a-zA-Z][^>]*>?")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
