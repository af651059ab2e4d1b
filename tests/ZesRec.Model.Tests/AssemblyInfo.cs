// libtorch's random generator is one per process: tests that seed it (manual_seed) and then train must not run
// beside other tests that draw from it, or "same seed, same result" fails by chance. The whole project takes
// well under a minute, so its test classes run one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
