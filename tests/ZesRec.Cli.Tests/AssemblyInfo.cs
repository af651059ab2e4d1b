// The verbs write to Console.Out and Console.Error, which the tests swap for buffers: one test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
