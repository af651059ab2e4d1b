namespace ZesRec.DevBroker;

/// <summary>
/// Takes the broker down and up on request from outside (<c>infra/dev/kafka.sh pause|resume</c>), to simulate a
/// broker restart: the mock cannot be restarted with its data, which lives in this process's memory only. Down,
/// the mock broker drops its connections and the forwarder closes its port; the topics, their records, committed
/// offsets and groups stay, as they would on a restarted broker's disk.
/// </summary>
internal sealed class BrokerControl(string controlFile, MockCluster cluster, TcpForwarder forwarder)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Where the state in force ("up" or "down") is written once applied.</summary>
    public string AppliedFile { get; } = controlFile + ".applied";

    /// <summary>Applies each change of the control file until <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var up = true;
        WriteAtomically(AppliedFile, "up\n");
        while (!stop.IsCancellationRequested)
        {
            var wanted = ReadWanted() ?? up;
            if (wanted != up)
            {
                if (wanted)
                {
                    cluster.SetBrokerUp(true);
                    forwarder.Resume();
                }
                else
                {
                    await forwarder.PauseAsync().ConfigureAwait(false);
                    cluster.SetBrokerUp(false);
                }

                up = wanted;
                WriteAtomically(AppliedFile, up ? "up\n" : "down\n");
                Console.WriteLine($"zesrec-devbroker: broker {(up ? "up again" : "down (data kept)")}");
            }

            try
            {
                await Task.Delay(PollInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        File.Delete(AppliedFile);
    }

    /// <summary>The wanted state; null when the file is missing or holds anything else.</summary>
    private bool? ReadWanted()
    {
        string text;
        try
        {
            text = File.ReadAllText(controlFile).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        return text switch
        {
            "up" => true,
            "down" => false,
            _ => null,
        };
    }

    private static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
