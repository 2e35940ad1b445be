using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Insights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The insights' daily rollups (Insights/InsightsRollups.cs): written and read by hand-written SQL only, so
            // not in the EF model. New tables: nothing existing is touched.
            migrationBuilder.Sql("""
                CREATE TABLE insights_days (day date PRIMARY KEY, rolled_at timestamptz NOT NULL);
                COMMENT ON TABLE insights_days IS 'UTC days whose insights rollups are made (Insights/InsightsRollups).';
                CREATE TABLE insights_sends (day date NOT NULL, fingerprint bigint NOT NULL, receiver text NOT NULL, sends bigint NOT NULL);
                CREATE INDEX ix_insights_sends_day ON insights_sends (day);
                CREATE TABLE insights_groups (day date NOT NULL, group_key text NOT NULL, receiver text NOT NULL, sends bigint NOT NULL);
                CREATE INDEX ix_insights_groups_day ON insights_groups (day);
                CREATE TABLE insights_channels (day date NOT NULL, channel text NOT NULL, sent bigint NOT NULL, failed bigint NOT NULL, rate_limited bigint NOT NULL);
                CREATE INDEX ix_insights_channels_day ON insights_channels (day);
                CREATE TABLE insights_resolutions (day date NOT NULL, fingerprint bigint NOT NULL, started timestamptz, resolved timestamptz NOT NULL, receiver text, alertname text NOT NULL);
                CREATE INDEX ix_insights_resolutions_day ON insights_resolutions (day);
                CREATE TABLE insights_acks (day date NOT NULL, fingerprint bigint NOT NULL, notified timestamptz NOT NULL, acked timestamptz NOT NULL, receiver text, alertname text NOT NULL);
                CREATE INDEX ix_insights_acks_day ON insights_acks (day);
                """);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "first_muted_at",
                table: "silences",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_attempts_at_brin",
                table: "notification_attempts",
                column: "at")
                .Annotation("Npgsql:CreatedConcurrently", true)
                .Annotation("Npgsql:IndexMethod", "brin");

            migrationBuilder.CreateIndex(
                name: "ix_alert_events_at_brin",
                table: "alert_events",
                column: "at")
                .Annotation("Npgsql:CreatedConcurrently", true)
                .Annotation("Npgsql:IndexMethod", "brin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE insights_days, insights_sends, insights_groups, insights_channels, insights_resolutions, insights_acks");

            migrationBuilder.DropIndex(
                name: "ix_attempts_at_brin",
                table: "notification_attempts");

            migrationBuilder.DropIndex(
                name: "ix_alert_events_at_brin",
                table: "alert_events");

            migrationBuilder.DropColumn(
                name: "first_muted_at",
                table: "silences");
        }
    }
}
