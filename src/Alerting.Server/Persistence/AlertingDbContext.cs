using Microsoft.EntityFrameworkCore;

namespace Alerting.Persistence;

/// <summary>
/// The schema, owned by EF Core migrations. Hot paths (ingestion) use set-based SQL through Npgsql
/// directly; EF is used for the schema and for low-rate reads and writes such as silences.
/// </summary>
internal sealed class AlertingDbContext(DbContextOptions<AlertingDbContext> options) : DbContext(options)
{
    public DbSet<AlertRow> Alerts => Set<AlertRow>();

    public DbSet<SilenceRow> Silences => Set<SilenceRow>();

    public DbSet<GroupRow> Groups => Set<GroupRow>();

    public DbSet<GroupMemberRow> GroupMembers => Set<GroupMemberRow>();

    public DbSet<NotificationLogRow> NotificationLog => Set<NotificationLogRow>();

    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    public DbSet<AttemptRow> Attempts => Set<AttemptRow>();

    public DbSet<AlertEventRow> AlertEvents => Set<AlertEventRow>();

    public DbSet<SettingRow> Settings => Set<SettingRow>();

    public DbSet<UsedLinkRow> UsedLinks => Set<UsedLinkRow>();

    public DbSet<RateLimitEventRow> RateLimitEvents => Set<RateLimitEventRow>();

    public DbSet<InstanceRow> Instances => Set<InstanceRow>();

    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    public DbSet<EscalationRow> Escalations => Set<EscalationRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AlertRow>(e =>
        {
            e.ToTable("alerts", t => t.HasComment("Current state of every alert, one row per fingerprint."));
            e.HasKey(a => a.Fingerprint);
            // Re-sends rewrite ends_at constantly; free space per page keeps those updates HOT (no index churn).
            e.HasStorageParameter("fillfactor", 70);
            e.Property(a => a.Fingerprint).HasColumnName("fingerprint").ValueGeneratedNever();
            e.Property(a => a.Labels).HasColumnName("labels").HasColumnType("jsonb");
            e.Property(a => a.Annotations).HasColumnName("annotations").HasColumnType("jsonb");
            e.Property(a => a.StartsAt).HasColumnName("starts_at");
            e.Property(a => a.EndsAt).HasColumnName("ends_at");
            e.Property(a => a.GeneratorUrl).HasColumnName("generator_url");
            e.Property(a => a.UpdatedAt).HasColumnName("updated_at");
            e.Property(a => a.Timeout).HasColumnName("timeout");
            e.Property(a => a.Source).HasColumnName("source");
            e.Property(a => a.Extra).HasColumnName("extra").HasColumnType("jsonb");
            e.Property(a => a.State).HasColumnName("state").HasDefaultValue("pending");
            e.Property(a => a.StateChangedAt).HasColumnName("state_changed_at");
            e.Property(a => a.FirstSeenAt).HasColumnName("first_seen_at");
            e.Property(a => a.FirstEvent).HasColumnName("first_event");
            e.Property(a => a.FirstGroupKey).HasColumnName("first_group_key");
            e.Property(a => a.HomeGroupKey).HasColumnName("home_group_key");
            e.Property(a => a.HomeRouteId).HasColumnName("home_route_id");
            e.Property(a => a.HomeAddedAt).HasColumnName("home_added_at");
            // Reads by group; partial, so an alert that left its home group costs no index entry.
            e.HasIndex(a => new { a.HomeGroupKey, a.HomeRouteId }).HasFilter("home_group_key IS NOT NULL")
                .IsCreatedConcurrently().HasDatabaseName("ix_alerts_home_group");
        });

        modelBuilder.Entity<GroupRow>(e =>
        {
            e.ToTable("aggregation_groups", t => t.HasComment("One row per aggregation group (route + group labels), with its flush schedule."));
            // The group key alone is not unique: sibling routes with identical matchers share it (Route.GroupId).
            e.HasKey(g => new { g.GroupKey, g.RouteId });
            e.Property(g => g.GroupKey).HasColumnName("group_key");
            e.Property(g => g.RouteId).HasColumnName("route_id");
            e.Property(g => g.Receiver).HasColumnName("receiver");
            e.Property(g => g.GroupLabels).HasColumnName("group_labels").HasColumnType("jsonb");
            e.Property(g => g.NextFlushAt).HasColumnName("next_flush_at");
            e.Property(g => g.FlushedOnce).HasColumnName("flushed_once");
            e.Property(g => g.CreatedAt).HasColumnName("created_at");
            e.Property(g => g.LeaseOwner).HasColumnName("lease_owner");
            e.Property(g => g.LeaseUntil).HasColumnName("lease_until");
            e.Property(g => g.AcknowledgedAt).HasColumnName("acknowledged_at");
            e.Property(g => g.AcknowledgedBy).HasColumnName("acknowledged_by");
            e.HasIndex(g => g.NextFlushAt).HasDatabaseName("ix_groups_next_flush_at");
        });

        modelBuilder.Entity<GroupMemberRow>(e =>
        {
            e.ToTable("group_members");
            e.HasKey(m => new { m.GroupKey, m.RouteId, m.Fingerprint });
            e.Property(m => m.GroupKey).HasColumnName("group_key");
            e.Property(m => m.RouteId).HasColumnName("route_id");
            e.Property(m => m.Fingerprint).HasColumnName("fingerprint");
            e.Property(m => m.AddedAt).HasColumnName("added_at");
            e.HasIndex(m => m.Fingerprint).HasDatabaseName("ix_group_members_fingerprint");
        });

        modelBuilder.Entity<NotificationLogRow>(e =>
        {
            e.ToTable("notification_log", t => t.HasComment("Alertmanager's nflog: what each integration of a group was last told, written only after a successful send."));
            e.HasKey(n => new { n.GroupKey, n.Receiver, n.Integration });
            e.Property(n => n.GroupKey).HasColumnName("group_key");
            e.Property(n => n.Receiver).HasColumnName("receiver");
            e.Property(n => n.Integration).HasColumnName("integration");
            e.Property(n => n.FiringAlerts).HasColumnName("firing_alerts");
            e.Property(n => n.ResolvedAlerts).HasColumnName("resolved_alerts");
            e.Property(n => n.SentAt).HasColumnName("sent_at");
        });

        modelBuilder.Entity<OutboxRow>(e =>
        {
            e.ToTable("outbox", t => t.HasComment("Notifications decided but not yet delivered; one pending row per group, receiver and integration."));
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(o => o.GroupKey).HasColumnName("group_key");
            e.Property(o => o.Receiver).HasColumnName("receiver");
            e.Property(o => o.Integration).HasColumnName("integration");
            e.Property(o => o.Payload).HasColumnName("payload").HasColumnType("jsonb");
            e.Property(o => o.FiringAlerts).HasColumnName("firing_alerts");
            e.Property(o => o.ResolvedAlerts).HasColumnName("resolved_alerts");
            e.Property(o => o.Reason).HasColumnName("reason");
            e.Property(o => o.Version).HasColumnName("version");
            e.Property(o => o.CreatedAt).HasColumnName("created_at");
            e.Property(o => o.Deadline).HasColumnName("deadline");
            e.Property(o => o.Attempts).HasColumnName("attempts");
            e.Property(o => o.LeaseOwner).HasColumnName("lease_owner");
            e.Property(o => o.LeaseUntil).HasColumnName("lease_until");
            e.Property(o => o.TraceParent).HasColumnName("trace_parent");
            e.HasIndex(o => new { o.GroupKey, o.Receiver, o.Integration }).IsUnique().HasDatabaseName("ux_outbox_target");
            e.HasIndex(o => o.LeaseUntil).HasDatabaseName("ix_outbox_lease_until");
        });

        modelBuilder.Entity<AttemptRow>(e =>
        {
            e.ToTable("notification_attempts", t => t.HasComment("Every send attempt, for the history API."));
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(a => a.At).HasColumnName("at");
            e.Property(a => a.GroupKey).HasColumnName("group_key");
            e.Property(a => a.Receiver).HasColumnName("receiver");
            e.Property(a => a.Integration).HasColumnName("integration");
            e.Property(a => a.Outcome).HasColumnName("outcome");
            e.Property(a => a.StatusCode).HasColumnName("status_code");
            e.Property(a => a.Error).HasColumnName("error");
            e.Property(a => a.LatencyMs).HasColumnName("latency_ms");
            e.Property(a => a.Alerts).HasColumnName("alerts");
            e.Property(a => a.Reason).HasColumnName("reason");
            e.HasIndex(a => new { a.GroupKey, a.At }).HasDatabaseName("ix_attempts_group_at");
            e.HasIndex(a => a.Alerts).HasMethod("gin").HasDatabaseName("ix_attempts_alerts");
            // Insights read a period of attempts: rows are appended in time order, so a BRIN index (a few pages, next to
            // no cost per insert) finds the period's pages. Built CONCURRENTLY: senders go on writing meanwhile.
            e.HasIndex(a => a.At).HasMethod("brin").IsCreatedConcurrently().HasDatabaseName("ix_attempts_at_brin");
        });

        modelBuilder.Entity<SettingRow>(e =>
        {
            e.ToTable("settings", t => t.HasComment("Values every instance must share, such as the generated link-signing key."));
            e.HasKey(s => s.Key);
            e.Property(s => s.Key).HasColumnName("key");
            e.Property(s => s.Value).HasColumnName("value");
        });

        modelBuilder.Entity<RateLimitEventRow>(e =>
        {
            e.ToTable("rate_limit_events", t => t.HasComment("Recent sends per destination, so every instance honours a channel's rate limit."));
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(r => r.Key).HasColumnName("key");
            e.Property(r => r.At).HasColumnName("at");
            e.HasIndex(r => new { r.Key, r.At }).HasDatabaseName("ix_rate_limit_events_key_at");
        });

        modelBuilder.Entity<InstanceRow>(e =>
        {
            e.ToTable("instances", t => t.HasComment("Instances sharing this database, each refreshing its row while it runs."));
            e.HasKey(i => i.Name);
            e.Property(i => i.Name).HasColumnName("name");
            e.Property(i => i.Address).HasColumnName("address");
            e.Property(i => i.Version).HasColumnName("version");
            e.Property(i => i.StartedAt).HasColumnName("started_at");
            e.Property(i => i.LastSeen).HasColumnName("last_seen");
        });

        modelBuilder.Entity<DataProtectionKeyRow>(e =>
        {
            e.ToTable("data_protection_keys", t => t.HasComment("ASP.NET Core data-protection keys (UI sessions, anti-forgery), shared by every instance."));
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(k => k.FriendlyName).HasColumnName("friendly_name");
            e.Property(k => k.Xml).HasColumnName("xml");
        });

        modelBuilder.Entity<UsedLinkRow>(e =>
        {
            e.ToTable("used_links", t => t.HasComment("Action links already acted on: a link silences or acknowledges once."));
            e.HasKey(u => u.Nonce);
            e.Property(u => u.Nonce).HasColumnName("nonce");
            e.Property(u => u.UsedAt).HasColumnName("used_at");
            e.Property(u => u.UsedBy).HasColumnName("used_by");
            e.Property(u => u.Action).HasColumnName("action");
        });

        modelBuilder.Entity<AlertEventRow>(e =>
        {
            e.ToTable("alert_events", t => t.HasComment("State changes of each alert: received, firing, suppressed, resolved."));
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(a => a.Fingerprint).HasColumnName("fingerprint");
            e.Property(a => a.At).HasColumnName("at");
            e.Property(a => a.Event).HasColumnName("event");
            e.Property(a => a.GroupKey).HasColumnName("group_key");
            e.Property(a => a.Detail).HasColumnName("detail");
            e.HasIndex(a => new { a.Fingerprint, a.At }).HasDatabaseName("ix_alert_events_fingerprint_at");
            // Insights (and the retention's delete) read a period of history: BRIN, as for the attempts.
            e.HasIndex(a => a.At).HasMethod("brin").IsCreatedConcurrently().HasDatabaseName("ix_alert_events_at_brin");
        });

        modelBuilder.Entity<EscalationRow>(e =>
        {
            e.ToTable("escalations", t => t.HasComment("Escalation steps of a group's chain: due, claimed with a lease, sent once, or stopped (docs/escalation.md)."));
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.RouteId).HasColumnName("route_id");
            e.Property(x => x.GroupKey).HasColumnName("group_key");
            e.Property(x => x.ChainStartedAt).HasColumnName("chain_started_at");
            e.Property(x => x.Step).HasColumnName("step");
            e.Property(x => x.Receiver).HasColumnName("receiver");
            e.Property(x => x.After).HasColumnName("after");
            e.Property(x => x.DueAt).HasColumnName("due_at");
            e.Property(x => x.State).HasColumnName("state");
            e.Property(x => x.LeaseOwner).HasColumnName("lease_owner");
            e.Property(x => x.LeaseUntil).HasColumnName("lease_until");
            e.Property(x => x.SentAt).HasColumnName("sent_at");
            e.Property(x => x.StoppedAt).HasColumnName("stopped_at");
            e.Property(x => x.StoppedReason).HasColumnName("stopped_reason");
            e.Property(x => x.StoppedBy).HasColumnName("stopped_by");
            e.HasIndex(x => new { x.GroupKey, x.RouteId, x.ChainStartedAt, x.Step }).IsUnique().HasDatabaseName("ux_escalations_step");
            // The scheduler's claims and sweeps only look at live steps.
            e.HasIndex(x => x.DueAt).HasFilter("state <> 'stopped'").HasDatabaseName("ix_escalations_live_due_at");
        });

        modelBuilder.Entity<SilenceRow>(e =>
        {
            e.ToTable("silences");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(s => s.Matchers).HasColumnName("matchers").HasColumnType("jsonb");
            e.Property(s => s.StartsAt).HasColumnName("starts_at");
            e.Property(s => s.EndsAt).HasColumnName("ends_at");
            e.Property(s => s.UpdatedAt).HasColumnName("updated_at");
            e.Property(s => s.CreatedBy).HasColumnName("created_by");
            e.Property(s => s.Comment).HasColumnName("comment");
            e.Property(s => s.FirstMutedAt).HasColumnName("first_muted_at");
            e.HasIndex(s => s.EndsAt).HasDatabaseName("ix_silences_ends_at");
        });
    }
}
