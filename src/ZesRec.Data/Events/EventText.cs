namespace ZesRec.Data.Events;

/// <summary>How values from a message are quoted in a reason sentence.</summary>
public static class EventText
{
    private const int MaxShownLength = 64;

    public static string Shorten(string value) => value.Length <= MaxShownLength ? value : string.Concat(value.AsSpan(0, MaxShownLength), "…");
}
