using System.Diagnostics;
using Confluent.Kafka;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Publishes interactions in time order at a steady rate, keyed by user id, so that a stream is still flowing when a
/// dependency goes down. Sends are not awaited one by one: while the broker is away they wait in the producer, as
/// they would in a real client, and are delivered when it is back.
/// </summary>
internal sealed class PacedPublisher(KafkaProducer producer, string topic, IReadOnlyList<InteractionOccurred> interactions, int perSecond)
{
    private readonly List<Task<DeliveryResult<string?, byte[]>>> sends = new(interactions.Count);
    private int sent;

    /// <summary>Interactions handed to the producer so far.</summary>
    public int Sent => Volatile.Read(ref sent);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (Sent < interactions.Count)
        {
            var due = Math.Min(interactions.Count, (int)(clock.Elapsed.TotalSeconds * perSecond) + 1);
            for (var i = Sent; i < due; i++)
            {
                var interaction = interactions[i];
                sends.Add(producer.ProduceAsync(topic, interaction.UserId, EventJson.Serialize(interaction), cancellationToken: cancellationToken));
                Volatile.Write(ref sent, i + 1);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Where each interaction landed, once all are acknowledged.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> DeliveredAsync() =>
        [.. (await Task.WhenAll(sends)).Select(d => d.TopicPartitionOffset)];
}
