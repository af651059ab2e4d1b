using Confluent.Kafka;
using Prometheus;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Pipeline;

/// <summary>Publishes a batch's messages and waits for every acknowledgement before the batch may be persisted.</summary>
public sealed class BatchPublisher(KafkaProducer producer)
{
    public async Task<BatchOutcome> PublishAsync(BatchOutcome outcome)
    {
        if (outcome.Messages.Count == 0)
        {
            return outcome;
        }

        try
        {
            using (ZesRecMetrics.PublishSeconds.NewTimer())
            {
                EventTrace.Record(outcome.Inputs, TraceStage.PublishStart);
                await Task.WhenAll(outcome.Messages.Select(m => producer.ProduceAsync(m.Topic, m.Key, m.Value)));
                EventTrace.Record(outcome.Inputs, TraceStage.PublishAcked);
            }
        }
        catch (Exception e)
        {
            throw new BatchFailedException(outcome.Inputs, e);
        }

        var acknowledged = DateTime.UtcNow;
        foreach (var m in outcome.Messages)
        {
            ZesRecMetrics.EventsProduced.WithLabels(m.Topic).Inc();
            if (m.SourceTimestamp is { } source && source > DateTime.UnixEpoch)
            {
                ZesRecMetrics.EventToRecommendationSeconds.Observe(Math.Max(0, (acknowledged - source).TotalSeconds));
            }
        }

        return outcome;
    }
}
