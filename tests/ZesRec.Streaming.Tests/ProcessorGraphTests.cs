using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using ZesRec.Streaming.Pipeline;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Tests;

/// <summary>The pieces of the processor's streams, each between a source probe and a sink probe; no services.</summary>
public sealed class ProcessorGraphTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private readonly IMaterializer _materializer;

    public ProcessorGraphTests()
        : base("akka.loglevel = WARNING")
    {
        _materializer = Sys.Materializer();
    }

    [Fact]
    public void Batches_should_cut_full_batches_and_flush_the_rest_when_the_window_ends()
    {
        // Given the batching flow with batches of 2
        var (up, down) = Run(ProcessorGraph.Batches(2, Window, new PoisonGuard()));

        // When five records arrive at once
        down.Request(3);
        for (var i = 0; i < 5; i++)
        {
            up.SendNext(Record(i));
        }

        // Then two full batches come in order, and the last record alone once the window ends
        Assert.Equal(new long[] { 0, 1 }, Offsets(down.ExpectNext()));
        Assert.Equal(new long[] { 2, 3 }, Offsets(down.ExpectNext()));
        Assert.Equal(new long[] { 4 }, Offsets(down.ExpectNext()));
    }

    [Fact]
    public void Batches_should_put_each_suspect_in_a_batch_of_its_own_when_a_batch_failed_before()
    {
        // Given a guard that saw a batch of records 1..3 fail for a reason tied to the data
        var guard = new PoisonGuard();
        var why = guard.OnFailure(new BatchFailedException([Record(1), Record(2), Record(3)], new InvalidOperationException("bad value")));
        var (up, down) = Run(ProcessorGraph.Batches(10, Window, guard));

        // When records 0..5 arrive
        down.Request(10);
        for (var i = 0; i < 6; i++)
        {
            up.SendNext(Record(i));
        }

        // Then the suspects are applied one per batch, the others together around them, in order
        Assert.NotNull(why);
        Assert.Equal(new long[][] { [0], [1], [2], [3], [4, 5] }, Enumerable.Range(0, 5).Select(_ => Offsets(down.ExpectNext())).ToList());
    }

    [Fact]
    public void Batches_should_not_split_when_an_outage_blamed_no_record()
    {
        // Given a guard that saw a batch fail because the database was gone
        var guard = new PoisonGuard();
        var why = guard.OnFailure(new BatchFailedException([Record(1)], new TimeoutException("no answer")));
        var (up, down) = Run(ProcessorGraph.Batches(3, Window, guard));

        // When records 0..2 arrive
        down.Request(1);
        for (var i = 0; i < 3; i++)
        {
            up.SendNext(Record(i));
        }

        // Then they stay one batch
        Assert.Null(why);
        Assert.Equal(new long[] { 0, 1, 2 }, Offsets(down.ExpectNext()));
    }

    [Fact]
    public void Batches_should_emit_empty_batches_on_ticks_and_complete_with_the_source()
    {
        // Given the batching flow with a tick and no records
        var (up, down) = Run(ProcessorGraph.Batches(10, Window, new PoisonGuard(), TimeSpan.FromMilliseconds(50)));

        // When two elements are requested
        down.Request(2);

        // Then two empty batches come; and when the source completes, so does the flow, ticks or not (a tick that
        // fires before the completion reaches the flow may still bring an empty batch first)
        Assert.Empty(down.ExpectNext());
        Assert.Empty(down.ExpectNext());
        up.SendComplete();
        down.Request(100);
        for (var events = 0; down.ExpectEvent() is not TestSubscriber.OnComplete; events++)
        {
            Assert.True(events < 20, "the flow did not complete after its source did");
        }
    }

    [Fact]
    public async Task Steps_should_start_the_next_batch_while_the_second_step_of_the_previous_one_runs()
    {
        // Given two steps whose second does not finish until released
        var release = new TaskCompletionSource<BatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstCalls = 0;
        var secondBatchEncoded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var steps = ProcessorGraph.Steps<long>(
            batch =>
            {
                if (Interlocked.Increment(ref firstCalls) == 2)
                {
                    secondBatchEncoded.TrySetResult();
                }

                return Task.FromResult(batch[0].Offset.Value);
            },
            offset => offset == 0 ? release.Task : Task.FromResult(Outcome(offset)));
        var (up, down) = Run(steps);

        // When two batches arrive
        down.Request(2);
        up.SendNext([Record(0)]);
        up.SendNext([Record(1)]);

        // Then the first step takes the second batch while the first is still in the second step, and both leave in order
        await secondBatchEncoded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult(Outcome(0));
        Assert.Equal(0L, down.ExpectNext().Inputs[0].Offset.Value);
        Assert.Equal(1L, down.ExpectNext().Inputs[0].Offset.Value);
    }

    [Fact]
    public void Step_should_fail_the_stream_when_processing_a_batch_throws()
    {
        // Given a step that fails
        var (up, down) = Run(ProcessorGraph.Step(_ => Task.FromException<BatchOutcome>(new InvalidOperationException("broken"))));

        // When a batch arrives
        down.Request(1);
        up.SendNext([Record(0)]);

        // Then the stream fails with the step's exception (the supervisor restarts it)
        Assert.Equal("broken", down.ExpectError().GetBaseException().Message);
    }

    [Fact]
    public void Coalesce_should_hand_the_flush_every_outcome_published_while_it_was_busy_as_one()
    {
        // Given the coalescing stage with a flush below that asks for nothing yet
        var (up, down) = Run(ProcessorGraph.Coalesce(maxBatches: 8));

        // When three batches are published, each with a state and an offset, and then the flush asks for one
        for (var i = 0; i < 3; i++)
        {
            up.SendNext(Outcome(i, user: i == 1 ? "a" : "b"));
        }

        down.Request(1);
        var merged = down.ExpectNext();

        // Then it gets one outcome with all three batches' inputs, states and offsets in order, the newest batch number,
        // and no messages (they are already published)
        Assert.Equal(new long[] { 0, 1, 2 }, Offsets(merged.Inputs));
        Assert.Equal(["b", "a", "b"], merged.States.Select(s => s.UserId));
        Assert.Equal(new long[] { 1, 2, 3 }, merged.Offsets.Select(o => o.NextOffset));
        Assert.Equal(2, merged.Batch);
        Assert.Equal(3, merged.Coalesced);
        Assert.Empty(merged.Messages);

        // And a batch published while the flush waits for nothing passes alone
        down.Request(1);
        up.SendNext(Outcome(3));
        var alone = down.ExpectNext();
        Assert.Equal(new long[] { 3 }, Offsets(alone.Inputs));
        Assert.Equal(1, alone.Coalesced);
    }

    [Fact]
    public void Coalesce_should_hold_no_more_batches_in_one_flush_than_its_bound()
    {
        // Given the coalescing stage bounded at 3 batches and a flush that asks for nothing yet
        var (up, down) = Run(ProcessorGraph.Coalesce(maxBatches: 3));

        // When seven batches are published and the flush then takes one outcome at a time
        for (var i = 0; i < 7; i++)
        {
            up.SendNext(Outcome(i));
        }

        // Then three flushes come: 3 batches, 3 batches, the last one
        foreach (var expected in new long[][] { [0, 1, 2], [3, 4, 5], [6] })
        {
            down.Request(1);
            Assert.Equal(expected, Offsets(down.ExpectNext().Inputs));
        }
    }

    [Fact]
    public void Coalesce_should_keep_every_batch_once_and_in_order_whatever_the_flush_pace()
    {
        // Given generated runs: a bound, and rounds of a random number of published batches each followed by flushes
        for (var seed = 0; seed < 25; seed++)
        {
            var random = new Random(seed);
            var max = random.Next(1, 6);
            var (up, down) = Run(ProcessorGraph.Coalesce(max));
            var flushed = new List<BatchOutcome>();
            var sent = 0;
            for (var round = random.Next(1, 8); round > 0; round--)
            {
                // When some batches are published while the flush is busy, and it then catches up
                for (var k = random.Next(1, 11); k > 0; k--)
                {
                    up.SendNext(Outcome(sent++, user: $"u{random.Next(4)}"));
                }

                while (flushed.Sum(o => o.Coalesced) < sent)
                {
                    down.Request(1);
                    flushed.Add(down.ExpectNext());
                }
            }

            // Then each flush holds between 1 and the bound of batches, together each batch once and in order, and
            // each flush's batch number is its newest batch's
            Assert.All(flushed, o => Assert.InRange(o.Coalesced, 1, max));
            Assert.Equal(Enumerable.Range(0, sent).Select(i => (long)i), flushed.SelectMany(o => Offsets(o.Inputs)));
            Assert.Equal(Enumerable.Range(1, sent).Select(i => (long)i), flushed.SelectMany(o => o.Offsets.Select(x => x.NextOffset)));
            Assert.Equal(flushed.Select(o => Offsets(o.Inputs)[^1]), flushed.Select(o => o.Batch));
            Assert.Equal(flushed.Select(o => o.Inputs.Count), flushed.Select(o => o.States.Count));
        }
    }

    private (TestPublisher.Probe<TIn> Up, TestSubscriber.Probe<TOut> Down) Run<TIn, TOut, TMat>(Flow<TIn, TOut, TMat> flow) =>
        this.SourceProbe<TIn>().Via(flow).ToMaterialized(this.SinkProbe<TOut>(), Keep.Both).Run(_materializer);

    private static ConsumeResult<string?, byte[]> Record(long offset) => new()
    {
        Topic = "zesrec.interactions",
        Partition = new Partition(0),
        Offset = new Offset(offset),
        Message = new Message<string?, byte[]> { Key = "u", Value = [] },
    };

    private static long[] Offsets(IReadOnlyList<ConsumeResult<string?, byte[]>> batch) => [.. batch.Select(r => r.Offset.Value)];

    private static BatchOutcome Outcome(long offset, string user = "u")
    {
        var outcome = new BatchOutcome { Batch = offset };
        outcome.Inputs.Add(Record(offset));
        outcome.States.Add(new UserStateRow(user, 0, [offset], [], offset, offset + 1));
        outcome.Offsets.Add(("zesrec.interactions", 0, offset + 1));
        outcome.Messages.Add(new Outgoing("zesrec.recommendations", user, []));
        return outcome;
    }
}
