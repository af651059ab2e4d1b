namespace ZesRec.Data.Events;

/// <summary>One entry of a recommendation list; the score is comparable only within its list.</summary>
public sealed record RecommendedItem(string ItemId, float Score);
