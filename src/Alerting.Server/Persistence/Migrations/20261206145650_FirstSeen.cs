using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <summary>
    /// A new alert's arrival (event, time, first group) on its alerts row rather than an alert_events row. Nullable
    /// columns, no rewrite; the build before does not read them, so while both run it lists no arrival for alerts
    /// this build stored (docs/operations.md, "Rolling upgrades").
    /// </summary>
    public partial class FirstSeen : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "first_event",
                table: "alerts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "first_group_key",
                table: "alerts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "first_seen_at",
                table: "alerts",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "first_event",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "first_group_key",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "first_seen_at",
                table: "alerts");
        }
    }
}
