namespace ZesRec.Cli.Commands;

/// <summary>Input the verb cannot use (a missing model folder, a results file that is not one): one sentence, exit code 3.</summary>
public sealed class InputException(string message) : Exception(message);
