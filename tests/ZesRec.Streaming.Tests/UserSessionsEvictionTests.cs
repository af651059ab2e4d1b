using CsCheck;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The eviction rule of bounded user state, on its own (nothing connects: eviction never reads the store): between
/// batches at most the cap stays, besides users changed by batches not yet flushed, which are never dropped; the
/// users dropped are the least recently active.
/// </summary>
public sealed class UserSessionsEvictionTests
{
    private static readonly StateStore Unconnected = new(StoreDataSource.Create("Host=127.0.0.1;Port=1;Database=none;Username=none"), "m");

    [Fact]
    public void Eviction_should_drop_the_least_recently_active_stored_users_first()
    {
        // Given a cap of 2 and users a, b, c changed in batches 0, 1, 2, then a again in batch 3
        var sessions = new UserSessions(Unconnected, "t", maxUsers: 2);
        var users = "abc".Select(u => new UserSession(u.ToString(), 0, [0f])).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            sessions.Add(users[i]);
            sessions.Changed(users[i], i);
        }

        sessions.Changed(users[0], 3);

        // When batches up to 2 are flushed
        sessions.Flushed(2);
        var evicted = sessions.EvictIdle();

        // Then b (the least recently active) is dropped; a, changed by batch 3 not yet flushed, stays
        Assert.Equal(1, evicted);
        Assert.Null(sessions.Find("b"));
        Assert.NotNull(sessions.Find("a"));
        Assert.NotNull(sessions.Find("c"));
    }

    [Fact]
    public void Users_of_unflushed_batches_should_stay_and_the_rest_should_fit_the_cap()
    {
        // Each op: change user N in the current batch (action >= 2), flush every batch so far (0), or end the batch
        // and evict (1). The cap is drawn too.
        var ops = Gen.Select(Gen.Int[0, 30], Gen.Int[0, 9]).Array[1, 300];
        Gen.Select(Gen.Int[1, 8], ops).Sample((cap, sequence) =>
        {
            var sessions = new UserSessions(Unconnected, "t", cap);
            var batch = 0L;
            var flushed = -1L;
            var lastActive = new Dictionary<string, long>();
            var tick = 0L;
            foreach (var (user, action) in sequence)
            {
                if (action == 0)
                {
                    flushed = batch - 1;
                    sessions.Flushed(flushed);
                }
                else if (action == 1)
                {
                    var before = lastActive.Keys.Where(u => sessions.Find(u) is not null).ToDictionary(u => u, u => sessions.Find(u)!.ChangedInBatch);
                    sessions.EvictIdle();
                    batch++;
                    var kept = before.Keys.Where(u => sessions.Find(u) is not null).ToList();
                    var gone = before.Keys.Except(kept).ToList();
                    var oldestKept = kept.Select(u => lastActive[u]).DefaultIfEmpty(long.MaxValue).Min();
                    var unflushedDropped = gone.Any(u => before[u] > flushed);
                    var notLeastRecent = gone.Any(u => lastActive[u] > oldestKept);
                    var overCap = kept.Count > cap && before[kept.MinBy(u => lastActive[u])!] <= flushed;
                    if (unflushedDropped || notLeastRecent || overCap)
                    {
                        return false;
                    }

                    foreach (var u in gone)
                    {
                        lastActive.Remove(u);
                    }
                }
                else
                {
                    var id = $"u{user}";
                    var session = sessions.Find(id);
                    if (session is null)
                    {
                        session = new UserSession(id, 0, [0f]);
                        sessions.Add(session);
                    }

                    sessions.Changed(session, batch);
                    lastActive[id] = tick++;
                }
            }

            return true;
        });
    }
}
