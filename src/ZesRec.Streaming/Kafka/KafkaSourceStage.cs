using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Kafka;

internal sealed class KafkaSourceStage : GraphStageWithMaterializedValue<SourceShape<ConsumeResult<string?, byte[]>>, KafkaConsumerControl>
{
    private readonly KafkaSettings _settings;
    private readonly IReadOnlyList<string> _topics;
    private readonly IPartitionAssignmentHandler _handler;

    public KafkaSourceStage(KafkaSettings settings, IReadOnlyList<string> topics, IPartitionAssignmentHandler handler)
    {
        _settings = settings;
        _topics = topics;
        _handler = handler;
        Shape = new SourceShape<ConsumeResult<string?, byte[]>>(Out);
    }

    public Outlet<ConsumeResult<string?, byte[]>> Out { get; } = new("KafkaSource.out");

    public override SourceShape<ConsumeResult<string?, byte[]>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("KafkaSource");

    public override ILogicAndMaterializedValue<KafkaConsumerControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = new KafkaConsumerControl();
        return new LogicAndMaterializedValue<KafkaConsumerControl>(new Logic(this, control), control);
    }

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly KafkaSourceStage _stage;
        private readonly KafkaConsumerControl _control;
        private ConsumerWorker? _worker;
        private Action? _onRecordsAvailable;
        private bool _waiting;

        public Logic(KafkaSourceStage stage, KafkaConsumerControl control)
            : base(stage.Shape)
        {
            _stage = stage;
            _control = control;
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            _onRecordsAvailable = GetAsyncCallback(OnRecordsAvailable);
            var onFailure = GetAsyncCallback<Exception>(FailStage);
            var onShutdown = GetAsyncCallback<Exception?>(cause =>
            {
                if (cause is null)
                {
                    CompleteStage();
                }
                else
                {
                    FailStage(cause);
                }
            });

            _worker = new ConsumerWorker(_stage._settings, _stage._topics, _stage._handler, onFailure);
            _control.Attach(_worker);
            _control.ShutdownRequested.ContinueWith(t => onShutdown(t.Result), TaskScheduler.Default);
            _worker.Start();
        }

        public override void OnPull() => TryPush();

        public override void PostStop() => _worker?.Stop();

        private void OnRecordsAvailable()
        {
            _waiting = false;
            if (IsAvailable(_stage.Out))
            {
                TryPush();
            }
        }

        private void TryPush()
        {
            var worker = _worker!;
            while (worker.Records.TryRead(out var record))
            {
                if (worker.Take(record))
                {
                    EventTrace.Record(record.Result, TraceStage.Emitted);
                    Push(_stage.Out, record.Result);
                    return;
                }
            }

            // A completed channel means the worker ended; its failure or our own stop ends the stage.
            if (_waiting || worker.Records.Completion.IsCompleted)
            {
                return;
            }

            _waiting = true;
            var onRecordsAvailable = _onRecordsAvailable!;
            worker.Records.WaitToReadAsync().AsTask().ContinueWith(_ => onRecordsAvailable(), TaskScheduler.Default);
        }
    }
}
