namespace ZesRec.Streaming.Storage;

/// <summary>
/// What opening the store found: the model version serving it, the schema version it had before (null: new store)
/// and how many unversioned item and user rows the serving model adopted (a store from before model versions).
/// </summary>
public sealed record StoreOpening(string ServingVersion, int? PreviousSchemaVersion, long AdoptedItems, long AdoptedUsers)
{
    /// <summary>A line for the log when the store was migrated, else null.</summary>
    public string? MigrationNote => PreviousSchemaVersion is { } from && from != StoreSchema.Version
        ? $"store migrated from schema version {from} to {StoreSchema.Version}: model {ServingVersion} adopted its {AdoptedItems:N0} item vectors and {AdoptedUsers:N0} user states"
        : null;
}
