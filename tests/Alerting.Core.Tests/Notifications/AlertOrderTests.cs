using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

public sealed class AlertOrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert A(params (string, string)[] labels) =>
        new(LabelSet.From(labels), LabelSet.Empty, Now, Now.AddMinutes(5), "", Now, false);

    private static void AssertBefore(Alert x, Alert y)
    {
        Assert.True(AlertOrder.Instance.Compare(x, y) < 0, $"{x.Labels} should sort before {y.Labels}");
        Assert.True(AlertOrder.Instance.Compare(y, x) > 0, $"{y.Labels} should sort after {x.Labels}");
    }

    [Fact]
    public void Alert_with_job_sorts_before_one_without_whatever_the_other_labels()
    {
        AssertBefore(A(("job", "z"), ("zz", "z")), A(("a", "a")));
    }

    [Fact]
    public void Job_values_compare_first_then_instance()
    {
        AssertBefore(A(("job", "a"), ("instance", "z")), A(("job", "b"), ("instance", "a")));
        AssertBefore(A(("job", "a"), ("instance", "1"), ("x", "z")), A(("job", "a"), ("instance", "2")));
        // Equal job: an alert with instance before one without.
        AssertBefore(A(("job", "a"), ("instance", "9")), A(("job", "a"), ("a", "a")));
    }

    [Fact]
    public void Without_job_instance_decides()
    {
        AssertBefore(A(("instance", "b"), ("x", "1"), ("y", "1")), A(("a", "a")));
        AssertBefore(A(("instance", "a")), A(("instance", "b")));
    }

    [Fact]
    public void Then_fewer_labels_sort_first_even_if_their_values_are_greater()
    {
        AssertBefore(A(("alertname", "Z")), A(("alertname", "A"), ("severity", "critical")));
    }

    [Fact]
    public void At_equal_size_the_set_lacking_the_first_differing_name_sorts_first()
    {
        // Union of names: a, b, c. "a" is missing from the second set, so it goes first.
        AssertBefore(A(("b", "1"), ("c", "1")), A(("a", "1"), ("c", "1")));
    }

    [Fact]
    public void At_equal_names_the_first_differing_value_decides()
    {
        AssertBefore(A(("a", "1"), ("b", "9")), A(("a", "2"), ("b", "0")));
        AssertBefore(A(("a", "1"), ("b", "1")), A(("a", "1"), ("b", "2")));
    }

    [Fact]
    public void Values_compare_in_utf8_byte_order_like_go_strings()
    {
        // U+FF5E is EF BD 9E, U+1F600 is F0 9F 98 80: byte order puts U+FF5E first, UTF-16 order would not.
        AssertBefore(A(("job", "\uFF5E")), A(("job", "\U0001F600")));
        AssertBefore(A(("a", "\uFF5E")), A(("a", "\U0001F600")));
    }

    [Fact]
    public void Equal_labels_compare_equal()
    {
        Assert.Equal(0, AlertOrder.Instance.Compare(A(("job", "x"), ("a", "1")), A(("a", "1"), ("job", "x"))));
        Assert.Equal(0, AlertOrder.Before(LabelSet.Empty, LabelSet.Empty));
    }

    [Fact]
    public void Sorting_a_group_gives_alertmanagers_order()
    {
        var a = A(("alertname", "X"), ("job", "api"), ("instance", "b"));
        var b = A(("alertname", "X"), ("job", "api"), ("instance", "a"));
        var c = A(("alertname", "X"), ("job", "db"));
        var d = A(("alertname", "X"), ("instance", "a"));
        var e = A(("alertname", "Y"));
        var f = A(("alertname", "X"), ("severity", "page"));

        var sorted = new[] { f, e, d, c, a, b }.Order(AlertOrder.Instance).ToList();

        Assert.Equal([b, a, c, d, e, f], sorted);
    }
}
