using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <summary>
    /// A new alert's first membership on its alerts row (home_group_key, home_route_id, home_added_at) instead of a
    /// group_members row: one durable row per new alert. Nullable columns and an index built concurrently, so the
    /// schema expands only; but the build before reads memberships from group_members alone and would flush groups
    /// without the alerts this build keeps at home, and delete such groups as empty: stop the world
    /// (docs/operations.md, "Rolling upgrades"). Existing memberships stay in group_members and keep working.
    /// </summary>
    public partial class HomeMembership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "home_added_at",
                table: "alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "home_group_key",
                table: "alerts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "home_route_id",
                table: "alerts",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_home_group",
                table: "alerts",
                columns: new[] { "home_group_key", "home_route_id" },
                filter: "home_group_key IS NOT NULL")
                .Annotation("Npgsql:CreatedConcurrently", true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_home_group",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "home_added_at",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "home_group_key",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "home_route_id",
                table: "alerts");
        }
    }
}
