namespace ZesRec.Streaming.Hosting;

/// <summary>A setting that cannot work (a missing schema or topic): one sentence, and the processor stops instead of retrying.</summary>
public class ConfigurationException(string message) : Exception(message);
