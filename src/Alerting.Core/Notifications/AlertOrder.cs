using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

/// <summary>
/// The order of alerts in a notification (Alertmanager's types.AlertSlice.Less): by label "job",
/// then "instance" (an alert with the label before one without), then Prometheus' LabelSet.Before.
/// </summary>
public sealed class AlertOrder : IComparer<Alert>
{
    public static readonly AlertOrder Instance = new();

    private static readonly string[] s_overrideKeys = ["job", "instance"];

    public int Compare(Alert? x, Alert? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        return y is null ? 1 : Compare(x.Labels, y.Labels);
    }

    /// <summary>The same order on bare label sets.</summary>
    public static int Compare(LabelSet x, LabelSet y)
    {
        foreach (var key in s_overrideKeys)
        {
            var xOk = x.TryGetValue(key, out var xVal);
            var yOk = y.TryGetValue(key, out var yVal);
            if (!xOk && !yOk)
            {
                continue;
            }
            if (!xOk)
            {
                return 1;
            }
            if (!yOk)
            {
                return -1;
            }
            var c = Utf8Comparer.Instance.Compare(xVal, yVal);
            if (c != 0)
            {
                return c;
            }
        }
        return Before(x, y);
    }

    /// <summary>
    /// model.LabelSet.Before as a three-way compare: fewer labels first; at equal size, walk the union
    /// of names in order and let the first difference decide — the set lacking a name goes first,
    /// else the smaller value.
    /// </summary>
    public static int Before(LabelSet x, LabelSet y)
    {
        if (x.Count != y.Count)
        {
            return x.Count < y.Count ? -1 : 1;
        }
        // Both are sorted by name, so a merge walk visits the union in Go's sorted order.
        var xs = x.GetEnumerator();
        var ys = y.GetEnumerator();
        var xHas = xs.MoveNext();
        var yHas = ys.MoveNext();
        while (xHas && yHas)
        {
            var c = Utf8Comparer.Instance.Compare(xs.Current.Key, ys.Current.Key);
            if (c < 0)
            {
                return 1; // the name is only in x: y lacks it, so y is before
            }
            if (c > 0)
            {
                return -1;
            }
            c = Utf8Comparer.Instance.Compare(xs.Current.Value, ys.Current.Value);
            if (c != 0)
            {
                return c;
            }
            xHas = xs.MoveNext();
            yHas = ys.MoveNext();
        }
        return 0; // same size and no difference: equal
    }
}
