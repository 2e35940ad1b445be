using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>
/// What an execution sees, Go's template "common": the named templates of the set and the functions
/// (builtins, then the set's function map).
/// </summary>
internal sealed class TemplateRuntime(
    IReadOnlyDictionary<string, Tree> templates,
    IReadOnlyDictionary<string, GoFunc> funcs,
    TimeSpan timeBudget,
    int maxOutputBytes)
{
    public IReadOnlyDictionary<string, Tree> Templates { get; } = templates;

    public IReadOnlyDictionary<string, GoFunc> Funcs { get; } = funcs;

    public TimeSpan TimeBudget { get; } = timeBudget;

    public int MaxOutputBytes { get; } = maxOutputBytes;

    /// <summary>Runs <paramref name="tree"/> with <paramref name="data"/> as dot and $.</summary>
    public string Execute(Tree tree, object? data)
    {
        var state = new ExecState(this, tree);
        state.Run(data);
        return state.Output;
    }
}

/// <summary>An execution error; the message is Go's ("template: NAME:LINE:COL: executing ...").</summary>
internal sealed class ExecException(string message) : Exception(message);
