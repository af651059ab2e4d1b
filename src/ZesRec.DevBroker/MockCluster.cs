using System.Runtime.InteropServices;
using ZesRec.DevBroker.Native;

namespace ZesRec.DevBroker;

/// <summary>
/// A single-broker librdkafka mock cluster. The mock lives inside an idle producer handle,
/// which must outlive it, so both are owned and destroyed here.
/// </summary>
internal sealed class MockCluster : IDisposable
{
    private const int BrokerId = 1;

    private readonly IntPtr _handle;
    private IntPtr _cluster;

    private MockCluster(IntPtr handle, IntPtr cluster, string bootstraps)
    {
        _handle = handle;
        _cluster = cluster;
        Bootstraps = bootstraps;
    }

    /// <summary>The mock broker's real listen address (random port on loopback).</summary>
    public string Bootstraps { get; }

    public static MockCluster Start()
    {
        RdKafkaLibrary.InstallResolver();
        var errstr = new byte[512];
        var conf = RdKafka.ConfNew();
        // The hosting handle never talks to a broker; keep its own logging to real problems.
        if (RdKafka.ConfSet(conf, "log_level", "3", errstr, (UIntPtr)errstr.Length) != RdKafka.ConfOk)
        {
            RdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {RdKafka.ErrorBufferText(errstr)}");
        }

        var handle = RdKafka.New(RdKafka.ProducerType, conf, errstr, (UIntPtr)errstr.Length);
        if (handle == IntPtr.Zero)
        {
            RdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {RdKafka.ErrorBufferText(errstr)}");
        }

        var cluster = RdKafka.MockClusterNew(handle, 1);
        if (cluster == IntPtr.Zero)
        {
            RdKafka.Destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        var bootstraps = Marshal.PtrToStringUTF8(RdKafka.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap address.");
        return new MockCluster(handle, cluster, bootstraps);
    }

    public void CreateTopic(string name, int partitions)
    {
        var err = RdKafka.MockTopicCreate(_cluster, name, partitions, 1);
        if (err != 0)
        {
            throw new InvalidOperationException($"Creating topic '{name}' with {partitions} partitions failed: {RdKafka.ErrorText(err)}");
        }
    }

    /// <summary>Makes metadata responses point clients at the fixed forwarder address instead of the random port.</summary>
    public void Advertise(string host, int port) => RdKafka.MockBrokerSetHostPort(_cluster, BrokerId, host, port);

    /// <summary>
    /// Takes the broker down or brings it back, as a broker restart would, while its topics, committed offsets and
    /// groups stay in memory: down, it closes every client connection and refuses new ones.
    /// </summary>
    public void SetBrokerUp(bool up)
    {
        var err = up ? RdKafka.MockBrokerSetUp(_cluster, BrokerId) : RdKafka.MockBrokerSetDown(_cluster, BrokerId);
        if (err != 0)
        {
            throw new InvalidOperationException($"Setting mock broker {BrokerId} {(up ? "up" : "down")} failed: {RdKafka.ErrorText(err)}");
        }
    }

    public void SetGroupInitialRebalanceDelay(int delayMs) => RdKafka.MockGroupInitialRebalanceDelayMs(_cluster, delayMs);

    public void Dispose()
    {
        if (_cluster == IntPtr.Zero)
        {
            return;
        }

        RdKafka.MockClusterDestroy(_cluster);
        _cluster = IntPtr.Zero;
        RdKafka.Destroy(_handle);
    }
}
