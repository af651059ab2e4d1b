namespace ZesRec.Data.Import;

public sealed record ImportResult(EventLogDataset Dataset, ImportReport Report);
