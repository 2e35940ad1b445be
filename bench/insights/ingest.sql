-- One round of history writes as the engine makes them (bench/insights.sh times it with pgbench, with and without
-- the insights' BRIN indexes): 100 alert events in one statement, and one send attempt.
INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
SELECT (random() * 5000)::int, now(), 'firing', '{}:{alertname="Bench"}', 'notified team-1/slack[0]' FROM generate_series(1, 100);
INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
VALUES (now(), '{}:{alertname="Bench"}', 'team-1', 'slack[0]', 'success', 200, NULL, 12.5, ARRAY[1, 2, 3]::bigint[], 'new alerts');
