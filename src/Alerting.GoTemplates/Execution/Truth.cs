using System.Numerics;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>Go's isTrue: the zero value of a type is false, structs are always true.</summary>
internal static class Truth
{
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        ulong u => u != 0,
        byte by => by != 0,
        double d => d != 0,
        Complex c => c != Complex.Zero,
        GoInt gi => gi.Value != 0,
        GoString gs => gs.Value.Length > 0,
        GoSlice slice => slice.Items.Count > 0,
        GoMap map => map.Count > 0,
        _ => true,
    };
}
