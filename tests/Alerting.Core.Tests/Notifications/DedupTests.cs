using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

public sealed class DedupTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Repeat = TimeSpan.FromHours(4);

    private static HashSet<ulong> Set(params ulong[] items) => [.. items];

    private static NotificationLogEntry Entry(HashSet<ulong> firing, HashSet<ulong> resolved, DateTimeOffset? at = null) =>
        new(firing, resolved, at ?? Now.AddMinutes(-5));

    [Fact]
    public void Without_an_entry_notifies_only_when_something_fires()
    {
        Assert.True(Dedup.NeedsUpdate(null, Set(1), Set(), sendResolved: true, Repeat, Now));
        Assert.True(Dedup.NeedsUpdate(null, Set(1), Set(2), sendResolved: false, Repeat, Now));
        Assert.False(Dedup.NeedsUpdate(null, Set(), Set(2), sendResolved: true, Repeat, Now));
        Assert.False(Dedup.NeedsUpdate(null, Set(), Set(), sendResolved: true, Repeat, Now));
    }

    [Fact]
    public void A_firing_alert_not_in_the_last_notification_notifies()
    {
        var entry = Entry(Set(1), Set());
        Assert.True(Dedup.NeedsUpdate(entry, Set(1, 2), Set(), sendResolved: false, Repeat, Now));
        // A resolution earlier does not count: 1 was resolved, now it fires again.
        Assert.True(Dedup.NeedsUpdate(Entry(Set(), Set(1)), Set(1), Set(), sendResolved: false, Repeat, Now));
    }

    [Fact]
    public void Fewer_firing_alerts_alone_do_not_notify_without_send_resolved()
    {
        var entry = Entry(Set(1, 2), Set());
        Assert.False(Dedup.NeedsUpdate(entry, Set(1), Set(2), sendResolved: false, Repeat, Now));
    }

    [Fact]
    public void All_resolved_notifies_when_the_last_notification_had_firing_alerts_even_without_send_resolved()
    {
        Assert.True(Dedup.NeedsUpdate(Entry(Set(1), Set()), Set(), Set(1), sendResolved: false, Repeat, Now));
        Assert.True(Dedup.NeedsUpdate(Entry(Set(1), Set()), Set(), Set(1), sendResolved: true, Repeat, Now));
    }

    [Fact]
    public void All_resolved_stays_quiet_when_the_last_notification_had_nothing_firing()
    {
        // Fired and resolved between two flushes: the receiver never heard of it. Not even the repeat
        // interval revives it.
        var entry = Entry(Set(), Set(1), at: Now.AddDays(-1));
        Assert.False(Dedup.NeedsUpdate(entry, Set(), Set(1, 2), sendResolved: true, Repeat, Now));
    }

    [Fact]
    public void A_newly_resolved_alert_notifies_only_with_send_resolved()
    {
        var entry = Entry(Set(1, 2), Set());
        Assert.True(Dedup.NeedsUpdate(entry, Set(1), Set(2), sendResolved: true, Repeat, Now));
        Assert.False(Dedup.NeedsUpdate(entry, Set(1), Set(2), sendResolved: false, Repeat, Now));
    }

    [Fact]
    public void Already_notified_resolved_alerts_do_not_notify_again()
    {
        var entry = Entry(Set(1), Set(2));
        Assert.False(Dedup.NeedsUpdate(entry, Set(1), Set(2), sendResolved: true, Repeat, Now));
    }

    [Fact]
    public void Unchanged_group_repeats_only_after_the_repeat_interval()
    {
        Assert.False(Dedup.NeedsUpdate(Entry(Set(1), Set(), Now - Repeat + TimeSpan.FromSeconds(1)), Set(1), Set(), true, Repeat, Now));
        // Go's Before is strict: exactly one interval ago is not yet due.
        Assert.False(Dedup.NeedsUpdate(Entry(Set(1), Set(), Now - Repeat), Set(1), Set(), true, Repeat, Now));
        Assert.True(Dedup.NeedsUpdate(Entry(Set(1), Set(), Now - Repeat - TimeSpan.FromTicks(1)), Set(1), Set(), true, Repeat, Now));
    }

    [Fact]
    public void Split_sorts_alerts_by_state_at_now_using_fingerprints()
    {
        var firing = new Alert(LabelSet.From(("alertname", "A")), LabelSet.Empty, Now.AddHours(-1), Now.AddMinutes(5), "", Now, true);
        var endingNow = new Alert(LabelSet.From(("alertname", "B")), LabelSet.Empty, Now.AddHours(-1), Now, "", Now, false);
        var resolved = new Alert(LabelSet.From(("alertname", "C")), LabelSet.Empty, Now.AddHours(-1), Now.AddMinutes(-1), "", Now, false);

        var (f, r) = Dedup.Split([firing, endingNow, resolved], Now);

        Assert.Equal([firing.Fingerprint], f.Order());
        Assert.Equal(new[] { endingNow.Fingerprint, resolved.Fingerprint }.Order(), r.Order());
    }
}
