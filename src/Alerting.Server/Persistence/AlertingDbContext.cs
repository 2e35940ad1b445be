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
            e.HasIndex(s => s.EndsAt).HasDatabaseName("ix_silences_ends_at");
        });
    }
}

/// <summary>An alert row. Labels and annotations are JSON objects; the fingerprint is the label hash as a signed 64-bit value.</summary>
internal sealed class AlertRow
{
    public long Fingerprint { get; set; }

    public required string Labels { get; set; }

    public required string Annotations { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public required string GeneratorUrl { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public bool Timeout { get; set; }

    /// <summary>Who sent it: "api" (Prometheus, amtool) or "grafana".</summary>
    public required string Source { get; set; }

    /// <summary>Sender-specific extras kept for messages, such as Grafana's dashboard and panel links.</summary>
    public string? Extra { get; set; }
}

internal sealed class SilenceRow
{
    public Guid Id { get; set; }

    /// <summary>JSON array of {name, value, isRegex, isEqual}, as in the API.</summary>
    public required string Matchers { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public required string Comment { get; set; }
}
