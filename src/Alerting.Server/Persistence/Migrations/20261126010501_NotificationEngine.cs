using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Alerting.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NotificationEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "state",
                table: "alerts",
                type: "text",
                nullable: false,
                defaultValue: "pending");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "state_changed_at",
                table: "alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "aggregation_groups",
                columns: table => new
                {
                    group_key = table.Column<string>(type: "text", nullable: false),
                    route_id = table.Column<string>(type: "text", nullable: false),
                    receiver = table.Column<string>(type: "text", nullable: false),
                    group_labels = table.Column<string>(type: "jsonb", nullable: false),
                    next_flush_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    flushed_once = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_owner = table.Column<string>(type: "text", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_aggregation_groups", x => x.group_key);
                },
                comment: "One row per aggregation group (route + group labels), with its flush schedule.");

            migrationBuilder.CreateTable(
                name: "alert_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    fingerprint = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    @event = table.Column<string>(name: "event", type: "text", nullable: false),
                    group_key = table.Column<string>(type: "text", nullable: true),
                    detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_events", x => x.id);
                },
                comment: "State changes of each alert: received, firing, suppressed, resolved.");

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    group_key = table.Column<string>(type: "text", nullable: false),
                    fingerprint = table.Column<long>(type: "bigint", nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => new { x.group_key, x.fingerprint });
                });

            migrationBuilder.CreateTable(
                name: "notification_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    group_key = table.Column<string>(type: "text", nullable: false),
                    receiver = table.Column<string>(type: "text", nullable: false),
                    integration = table.Column<string>(type: "text", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    alerts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_attempts", x => x.id);
                },
                comment: "Every send attempt, for the history API.");

            migrationBuilder.CreateTable(
                name: "notification_log",
                columns: table => new
                {
                    group_key = table.Column<string>(type: "text", nullable: false),
                    receiver = table.Column<string>(type: "text", nullable: false),
                    integration = table.Column<string>(type: "text", nullable: false),
                    firing_alerts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    resolved_alerts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_log", x => new { x.group_key, x.receiver, x.integration });
                },
                comment: "Alertmanager's nflog: what each integration of a group was last told, written only after a successful send.");

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    group_key = table.Column<string>(type: "text", nullable: false),
                    receiver = table.Column<string>(type: "text", nullable: false),
                    integration = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    firing_alerts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    resolved_alerts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    lease_owner = table.Column<string>(type: "text", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.id);
                },
                comment: "Notifications decided but not yet delivered; one pending row per group, receiver and integration.");

            migrationBuilder.CreateIndex(
                name: "ix_groups_next_flush_at",
                table: "aggregation_groups",
                column: "next_flush_at");

            migrationBuilder.CreateIndex(
                name: "ix_alert_events_fingerprint_at",
                table: "alert_events",
                columns: new[] { "fingerprint", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_group_members_fingerprint",
                table: "group_members",
                column: "fingerprint");

            migrationBuilder.CreateIndex(
                name: "ix_attempts_alerts",
                table: "notification_attempts",
                column: "alerts")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_attempts_group_at",
                table: "notification_attempts",
                columns: new[] { "group_key", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_lease_until",
                table: "outbox",
                column: "lease_until");

            migrationBuilder.CreateIndex(
                name: "ux_outbox_target",
                table: "outbox",
                columns: new[] { "group_key", "receiver", "integration" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "aggregation_groups");

            migrationBuilder.DropTable(
                name: "alert_events");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "notification_attempts");

            migrationBuilder.DropTable(
                name: "notification_log");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropColumn(
                name: "state",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "state_changed_at",
                table: "alerts");
        }
    }
}
