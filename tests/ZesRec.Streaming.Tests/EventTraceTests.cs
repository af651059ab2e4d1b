using Confluent.Kafka;
using CsCheck;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Tests;

/// <summary>The latency benchmark's per-record timestamps (<see cref="EventTrace"/>); no services.</summary>
public sealed class EventTraceTests
{
    [Fact]
    public void Record_should_keep_only_the_traced_topic_in_order_and_nothing_after_stop()
    {
        // Given a trace of one topic (its name unique, so processors of other tests are not recorded)
        var topic = $"trace.{Guid.NewGuid():N}";
        var before = DateTime.UtcNow.Ticks;
        EventTrace.Start(topic, 100);

        // When records of it and of another topic pass two stages, then one more after the trace stopped
        EventTrace.Record(Record(topic, 1, 7), TraceStage.Fetched);
        EventTrace.Record(Record("other", 1, 8), TraceStage.Fetched);
        EventTrace.Record([Record(topic, 1, 7), Record(topic, 2, 3), Record("other", 0, 1)], TraceStage.Batched);
        var entries = EventTrace.Stop();
        EventTrace.Record(Record(topic, 1, 9), TraceStage.Persisted);

        // Then the traced topic's three entries are there, in order, with wall-clock times from the test's span
        Assert.Equal([(1, 7L, TraceStage.Fetched), (1, 7L, TraceStage.Batched), (2, 3L, TraceStage.Batched)], entries.Select(e => (e.Partition, e.Offset, e.Stage)));
        Assert.All(entries, e => Assert.InRange(e.UtcTicks, before, DateTime.UtcNow.Ticks));
        Assert.Equal(entries[1].UtcTicks, entries[2].UtcTicks);
        Assert.Empty(EventTrace.Stop());
    }

    [Fact]
    public void Record_should_keep_the_first_entries_up_to_the_capacity_whatever_the_mix_of_topics()
    {
        // Given any sequence of records of the traced topic and of another one, and any capacity
        var records = Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Long[0, 1_000]).Array[0, 60];
        // One thread: the trace is one per process.
        Gen.Select(records, Gen.Int[0, 40]).Sample((sequence, capacity) =>
        {
            var topic = $"trace.{Guid.NewGuid():N}";
            EventTrace.Start(topic, capacity);

            // When each passes one stage
            foreach (var (traced, partition, offset) in sequence)
            {
                EventTrace.Record(Record(traced ? topic : "other", partition, offset), TraceStage.Emitted);
            }

            // Then the trace holds the traced topic's records, in order, cut at the capacity
            var expected = sequence.Where(r => r.Item1).Select(r => (r.Item2, r.Item3)).Take(capacity);
            Assert.Equal(expected, EventTrace.Stop().Select(e => (e.Partition, e.Offset)));
        }, threads: 1);
    }

    private static ConsumeResult<string?, byte[]> Record(string topic, int partition, long offset) => new()
    {
        Topic = topic,
        Partition = new Partition(partition),
        Offset = new Offset(offset),
        Message = new Message<string?, byte[]> { Key = "u", Value = [] },
    };
}
