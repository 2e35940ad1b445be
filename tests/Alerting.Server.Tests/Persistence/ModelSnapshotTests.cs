using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Alerting.Persistence;

/// <summary>
/// Branches that each add a migration merge their model snapshots by hand; a snapshot that lost a change would let the
/// next `dotnet ef migrations add` undo it. EF compares the model with the snapshot without a database.
/// </summary>
public sealed class ModelSnapshotTests
{
    [Fact]
    public void The_snapshot_matches_the_model()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "the model differs from AlertingDbContextModelSnapshot: run `dotnet ef migrations add` or fix the merge");
    }
}
