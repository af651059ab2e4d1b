using Confluent.Kafka;
using RecommendationSubscriber;

// Reads zesrec.recommendations and keeps each user's latest list, as a downstream service would.
//   dotnet run --project examples/RecommendationSubscriber -- [--bootstrap 127.0.0.1:59092] [--topic zesrec.recommendations]
//        [--group recommendation-subscriber] [--kafka-property security.protocol=SSL ...]
var options = args.Select((a, i) => (a, i))
    .Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal))
    .Select(p => (Name: p.a[2..], Value: args[p.i + 1])).ToList();
string Option(string name, string fallback) => options.LastOrDefault(o => o.Name == name).Value ?? fallback;

var config = new ConsumerConfig(options.Where(o => o.Name == "kafka-property").Select(o => o.Value.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]))
{
    BootstrapServers = Option("bootstrap", "127.0.0.1:59092"),
    GroupId = Option("group", "recommendation-subscriber"),
    AutoOffsetReset = AutoOffsetReset.Earliest,
};
var topic = Option("topic", "zesrec.recommendations");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var subscriber = new Subscriber();
var counts = Enum.GetValues<Outcome>().ToDictionary(o => o, _ => 0);
using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
consumer.Subscribe(topic);
Console.Error.WriteLine($"reading {topic} from {config.BootstrapServers}; Ctrl+C stops");
try
{
    while (!stop.IsCancellationRequested)
    {
        var message = consumer.Consume(stop.Token);
        var outcome = subscriber.Handle(message.Message.Value);
        counts[outcome]++;
        if (outcome == Outcome.Applied)
        {
            var r = subscriber.Latest[message.Message.Key ?? ""];
            Console.WriteLine($"{r.UserId}: {string.Join(' ', r.Items.Take(5).Select(i => i.ItemId))} (model {r.ModelVersion})");
        }
        else if (outcome == Outcome.Invalid)
        {
            Console.Error.WriteLine($"skipped {message.TopicPartitionOffset}: not a version-1 recommendation");
        }
    }
}
catch (OperationCanceledException)
{
}
finally
{
    consumer.Close();
}

Console.Error.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")) + $"; following model {subscriber.CurrentModel ?? "(none yet)"}");
