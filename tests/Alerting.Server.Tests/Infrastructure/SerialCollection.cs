namespace Alerting.Infrastructure;

/// <summary>
/// Tests that load the machine (fuzzing, floods) or bound a duration. xUnit runs this collection alone, after
/// the parallel ones: in one process, a CPU-bound fuzz loop starves the thread pool that every in-process
/// instance serves requests from, and a flood makes other tests' timings meaningless.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: load and timing";
}
