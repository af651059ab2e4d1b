using ZesRec.KafkaProbe;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: zesrec-kafkaprobe produce|consume --bootstrap HOST:PORT --topic T [--group G] [--count N] [--max N]");
    return 2;
}

var options = new ProbeArgs(args[1..]);
switch (args[0])
{
    case "produce":
        Probe.Produce(options);
        return 0;
    case "consume":
        return Probe.Consume(options);
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        return 2;
}
