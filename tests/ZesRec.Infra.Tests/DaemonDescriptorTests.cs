using System.Net;
using System.Net.Sockets;

namespace ZesRec.Infra.Tests;

/// <summary>
/// The dev service scripts start daemons that inherit no descriptor of their caller: a lock the calling shell
/// holds is free again as soon as that shell releases it, even while the daemon it started keeps running.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class DaemonDescriptorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Kafka_broker_should_not_hold_a_lock_of_the_shell_that_started_it()
    {
        // Given a shell holding a flock on fd 7 that starts a private broker (own port and state folder)
        const string script = """
            set -euo pipefail
            export ZESREC_KAFKA_PORT=$1 ZESREC_KAFKA_DIR=$2
            trap 'bash infra/dev/kafka.sh down >/dev/null 2>&1 || true' EXIT
            lock=$2/caller.lock
            exec 7>"$lock"
            flock -n 7
            bash infra/dev/kafka.sh up >/dev/null
            pid=$(<"$ZESREC_KAFKA_DIR/devbroker.pid")
            inherited=0
            for fd in /proc/"$pid"/fd/*; do
              if [[ $(readlink "$fd") == "$lock" ]]; then inherited=$((inherited + 1)); fi
            done
            # When the shell releases its lock, another process can take it while the broker still runs.
            exec 7>&-
            if flock -n "$lock" true; then state=free; else state=held; fi
            if kill -0 "$pid" 2>/dev/null; then broker=running; else broker=gone; fi
            echo "inherited=$inherited lock=$state broker=$broker"
            """;
        var stateDir = _temp["kafka"];
        Directory.CreateDirectory(stateDir);

        // When the shell runs
        var result = await KafkaProcess.RunAsync(RepoPaths.Root, "bash", ["-c", script, "bash", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), stateDir], TimeSpan.FromMinutes(5));

        // Then the broker holds no descriptor of the lock file, and the lock was free while the broker ran
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("inherited=0 lock=free broker=running", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_fds_helper_should_leave_a_started_process_only_stdin_stdout_and_stderr()
    {
        // Given a shell with a lock on fd 7 and a pipe on fd 8, which starts a background process the way the scripts do
        const string script = """
            set -euo pipefail
            . infra/dev/lib.sh
            exec 7>"$1/caller.lock" 8> >(cat >/dev/null)
            flock -n 7
            (zesrec_close_fds && exec sleep 30 </dev/null >/dev/null 2>&1) &
            pid=$!
            for _ in $(seq 100); do
              if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == sleep* ]]; then break; fi
              sleep 0.1
            done
            ls /proc/"$pid"/fd | sort -n | tr '\n' ' '
            kill "$pid"
            """;

        var result = await KafkaProcess.RunAsync(RepoPaths.Root, "bash", ["-c", script, "bash", _temp.Path], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0 1 2", result.Stdout.Trim());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
