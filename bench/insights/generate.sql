-- A year of history for bench/insights.sh, ending now: 5,000 alerts in 300 groups (alertname = group), 30 receivers on
-- 15 channel kinds, LIVES firing lives (about 4.2 alert_events rows each) and ATTEMPTS send attempts.
-- Skewed as real history is: low fingerprints flap (many short lives), low groups are the noisy ones.
-- psql -v lives=2400000 -v attempts=5000000 -f generate.sql
\set ON_ERROR_STOP on
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';

CREATE TEMP TABLE kinds AS
SELECT k - 1 AS kn, name FROM unnest(ARRAY['webhook','slack','email','pagerduty','opsgenie','victorops','pushover','telegram',
    'discord','msteams','wechat','sns','webex','dingtalk','feishu']) WITH ORDINALITY AS t(name, k);

INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, state_changed_at)
SELECT fp, jsonb_build_object('alertname', 'Alert' || ((fp - 1) % 300), 'instance', 'host-' || fp || ':9100',
           'severity', CASE WHEN fp % 7 = 0 THEN 'critical' ELSE 'warning' END),
       '{"summary":"bench"}', now() - interval '1 day', now() - interval '1 hour', '', now(), false, 'api', 'firing', now()
FROM generate_series(1, 5000) fp;

INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at)
SELECT '{}:{alertname="Alert' || g || '"}', '{}', 'team-' || (g % 30), jsonb_build_object('alertname', 'Alert' || g),
       now() + interval '5 minutes', true, now() - interval '365 days'
FROM generate_series(0, 299) g;

-- Lives: start spread evenly over the year (plus jitter); fingerprints skewed to the low ones; flappers fire briefly.
CREATE TEMP TABLE lives AS
SELECT n, fp, t, CASE WHEN fp <= 50 THEN 30 + random() * 270 ELSE 60 * power(10, random() * 3) END * interval '1 second' AS d,
       random() < 0.2 AS acked, random() AS r
FROM (SELECT n, 1 + floor(5000 * power(random(), 3))::int AS fp,
             now() - interval '365 days' + (n::float8 / :lives) * interval '365 days' + random() * interval '10 minutes' AS t
      FROM generate_series(1, :lives) n) x;

INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
SELECT fp, at, event, gk, detail FROM (
    SELECT l.fp, e.at, e.event, '{}:{alertname="Alert' || ((l.fp - 1) % 300) || '"}' AS gk, e.detail
    FROM lives l CROSS JOIN LATERAL (VALUES
        (l.t, CASE WHEN l.n <= 5000 THEN 'received' ELSE 'refired' END, NULL::text),
        (l.t + (10 + l.r * 30) * interval '1 second', 'firing',
         'notified team-' || ((l.fp - 1) % 300 % 30) || '/' || (SELECT name FROM kinds WHERE kn = (l.fp - 1) % 300 % 30 % 15) || '[0]'),
        (CASE WHEN l.acked THEN l.t + least(l.d * 0.9, (30 + l.r * 1800) * interval '1 second') END, 'acknowledged', 'by someone'),
        (l.t + l.d, 'resolved', 'resolved by its sender'),
        (l.t + l.d + (5 + l.r * 55) * interval '1 second', 'ungrouped', 'resolved and notified')) AS e(at, event, detail)
    WHERE e.at IS NOT NULL) x
WHERE at <= now()
ORDER BY at;

-- Send attempts, in time order: noisy groups are the low ones; 95 % succeed, 2 % are deferred by a rate limit, the rest fail.
INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
SELECT at, '{}:{alertname="Alert' || g || '"}', 'team-' || (g % 30), k.name || '[0]',
       CASE WHEN r < 0.95 THEN 'success' WHEN r < 0.98 THEN 'retry' ELSE 'failed' END,
       CASE WHEN r < 0.95 THEN 200 WHEN r < 0.97 THEN NULL WHEN r < 0.98 THEN 503 ELSE 400 END,
       CASE WHEN r < 0.95 THEN NULL WHEN r < 0.97 THEN 'rate limit: one message a second per Slack webhook'
            WHEN r < 0.98 THEN 'unexpected status code 503' ELSE 'unexpected status code 400' END,
       20 + r * 200,
       (ARRAY[1 + g + 300 * (n % 16), 1 + g + 300 * ((n + 1) % 16), 1 + g + 300 * ((n + 2) % 16), 1 + g + 300 * ((n + 3) % 16),
              1 + g + 300 * ((n + 4) % 16)])[1:1 + n % 5],
       CASE WHEN n % 3 = 0 THEN 'repeat_interval' ELSE 'new alerts' END
FROM (SELECT n, floor(300 * power(random(), 2))::int AS g, random() AS r,
             now() - interval '365 days' + (n::float8 / :attempts) * interval '365 days' AS at
      FROM generate_series(1, :attempts) n) x
JOIN kinds k ON k.kn = (x.g % 30) % 15
ORDER BY at;

-- Silences: 3,000 over the year, an hour to a week long; 30 % never muted anything.
INSERT INTO silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment, first_muted_at)
SELECT gen_random_uuid(), jsonb_build_array(jsonb_build_object('name', 'alertname', 'value', 'Alert' || (i % 300), 'isRegex', false, 'isEqual', true)),
       s, s + d, s, 'user' || (i % 20), 'maintenance ' || i, CASE WHEN i % 10 < 7 THEN s + interval '1 minute' END
FROM (SELECT i, now() - interval '365 days' + (i::float8 / 3000) * interval '365 days' AS s,
             interval '1 hour' * (1 + floor(power(random(), 2) * 167)) AS d
      FROM generate_series(1, 3000) i) x;

VACUUM ANALYZE alerts, aggregation_groups, alert_events, notification_attempts, silences;
