using Alerting.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Alerting.Persistence;

/// <summary>The start-up check that skips EF Core's migrator when every migration of this build is applied.</summary>
public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task The_known_migrations_are_the_ones_EF_Core_finds()
    {
        await using var db = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql("Host=unused").Options);
        var ef = db.GetService<IMigrationsAssembly>().Migrations.Keys.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(ef, SchemaMigrator.KnownMigrations);
        Assert.True(SchemaMigrator.KnownMigrations.Count >= 7);
    }

    [Fact]
    public async Task Up_to_date_only_when_every_known_migration_is_recorded()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var source = NpgsqlDataSource.Create(connectionString);

        Assert.False(await SchemaMigrator.IsUpToDateAsync(source, CancellationToken.None)); // no history table yet

        await using (var db = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.GetService<IMigrator>().MigrateAsync(SchemaMigrator.KnownMigrations[^2]);
        }
        Assert.False(await SchemaMigrator.IsUpToDateAsync(source, CancellationToken.None)); // the last one is missing

        await using (var db = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.Database.MigrateAsync();
        }
        Assert.True(await SchemaMigrator.IsUpToDateAsync(source, CancellationToken.None));
    }
}
