namespace Alerting.Core.Configuration;

/// <summary>Config texts shared by the configuration and routing tests.</summary>
internal static class SampleConfigs
{
    /// <summary>A full Alertmanager 0.25 config exercising every section, plus our extensions.</summary>
    public const string Full = """
        # A full alertmanager.yml with our extensions.
        global:
          resolve_timeout: 10m
          smtp_from: 'alertmanager@example.org'
          smtp_smarthost: 'smtp.example.org:587'
          smtp_auth_username: 'alertmanager'
          smtp_auth_password: 'smtp-pass-123'
          smtp_require_tls: false
          slack_api_url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET'
          pagerduty_url: 'https://events.pagerduty.com/v2/enqueue'
          language: zh-CN
          http_config:
            follow_redirects: false
            bearer_token: global-bearer-token

        templates:
          - '/etc/alertmanager/templates/*.tmpl'

        route:
          receiver: default
          group_by: ['alertname', 'cluster']
          group_wait: 45s
          group_interval: 10m
          repeat_interval: 3h
          routes:
            - matchers:
                - team="db"
                - severity=~"critical|warning"
              receiver: db-team
              group_by: [alertname, instance]
              routes:
                - matchers: [severity="critical"]
                  receiver: db-pager
                  continue: true
                  mute_time_intervals: [offhours]
            - match:
                service: web
              match_re:
                env: prod|staging
              receiver: web-team
              repeat_interval: 1d
              active_time_intervals: [business-hours]
            - receiver: everything
              group_by: ['...']
              matchers: ['{job=~".+"}']

        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [alertname, cluster]
          - source_match:
              alertname: NodeDown
            target_match_re:
              alertname: 'Node.+'
            equal: ['instance']

        receivers:
          - name: default
            webhook_configs:
              - url: 'http://hooks.example.org/alert?token=abc123'
                max_alerts: 10
                timeout: 15s
          - name: db-team
            email_configs:
              - to: 'db@example.org'
                headers:
                  subject: 'DB alert'
                  x-priority: '1'
            slack_configs:
              - channel: '#db'
                title: '{{ .CommonLabels.alertname }}'
                send_resolved: true
                fields:
                  - title: Severity
                    value: '{{ .CommonLabels.severity }}'
                    short: true
                actions:
                  - type: button
                    text: Runbook
                    url: 'https://runbooks.example.org/db'
                    confirm:
                      text: Are you sure?
          - name: db-pager
            pagerduty_configs:
              - routing_key: 'pd-routing-key-secret'
            webhook_configs:
              - url: 'https://pager.example.org/hook'
                send_resolved: false
                http_config:
                  basic_auth:
                    username: pager
                    password: pager-basic-pass
          - name: web-team
            dingtalk_configs:
              - url: 'https://oapi.dingtalk.com/robot/send?access_token=dt-access-token'
                secret: 'SEC-dingtalk-signing-secret'
                message_type: actionCard
                keyword: '告警'
                at_mobiles: ['13800000000']
                is_at_all: false
                language: en
            email_configs:
              - to: 'web@example.org'
                from: 'web-alerts@example.org'
                smarthost: 'mail.example.org:25'
                auth_password: 'web-mail-pass'
                require_tls: true
                html: '<b>{{ .Status }}</b>'
          - name: everything
            opsgenie_configs:
              - api_key: 'opsgenie-key-secret'
            telegram_configs:
              - bot_token: 'telegram-bot-token'
                chat_id: 42

        mute_time_intervals:
          - name: offhours
            time_intervals:
              - times:
                  - start_time: '00:00'
                    end_time: '08:00'
                  - start_time: '18:00'
                    end_time: '24:00'
              - weekdays: ['saturday', 'sunday']

        time_intervals:
          - name: business-hours
            time_intervals:
              - weekdays: ['monday:friday']
                times:
                  - start_time: '09:00'
                    end_time: '17:00'
                location: 'Asia/Shanghai'
          - name: year-end
            time_intervals:
              - months: ['december']
                days_of_month: ['-7:-1']
                years: ['2024:2026']

        server:
          auth:
            read:
              bearer_tokens: ['read-token-1']
            write:
              bearer_tokens: ['write-token-1']
              basic:
                - username: admin
                  password: admin-pass
            send:
              bearer_tokens: ['send-token-1']
          limits:
            max_body_bytes: 1048576
            max_alerts_per_request: 500
          grafana:
            sources:
              - name: grafana-prod
                hmac_secret: 'grafana-hmac-secret'
                timestamp_header: X-Grafana-Alerting-Signature-Timestamp
                max_skew: 2m
              - name: grafana-dev
                bearer_token: 'grafana-dev-token'
        """;

    /// <summary>Every secret value in <see cref="Full"/>; none may appear in MaskedYaml.</summary>
    public static readonly string[] FullSecrets =
    [
        "smtp-pass-123", "XXXXSECRET", "global-bearer-token", "abc123", "pd-routing-key-secret", "pager-basic-pass",
        "dt-access-token", "SEC-dingtalk-signing-secret", "web-mail-pass", "opsgenie-key-secret", "telegram-bot-token",
        "read-token-1", "write-token-1", "admin-pass", "send-token-1", "grafana-hmac-secret", "grafana-dev-token",
    ];

    /// <summary>A plain Alertmanager 0.25 config (no extensions) with every kind of secret, for amtool checks.</summary>
    public const string PlainAlertmanager = """
        global:
          resolve_timeout: 10m
          smtp_from: 'alertmanager@example.org'
          smtp_smarthost: 'smtp.example.org:587'
          smtp_auth_username: 'alertmanager'
          smtp_auth_password: 'smtp-pass-123'
          smtp_auth_secret: 'smtp-secret-x'
          smtp_require_tls: false
          slack_api_url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET'
          pagerduty_url: 'https://events.pagerduty.com/v2/enqueue'
          opsgenie_api_key: 'og-global-key'
          wechat_api_secret: 'wechat-secret'
          wechat_api_corp_id: 'corp'
          victorops_api_key: 'vo-key'
          http_config:
            follow_redirects: false
            authorization:
              credentials: global-bearer-token
            tls_config:
              insecure_skip_verify: true
        templates:
          - '/etc/alertmanager/templates/*.tmpl'
        route:
          receiver: default
          group_by: ['alertname', 'cluster']
          group_wait: 45s
          routes:
            - matchers:
                - team="db"
                - severity=~"critical|warning"
              receiver: db-team
              group_by: [alertname, instance]
              routes:
                - matchers: [severity="critical"]
                  receiver: db-pager
                  continue: true
                  mute_time_intervals: [offhours]
            - match:
                service: web
              match_re:
                env: prod|staging
              receiver: web-team
              repeat_interval: 1d
              active_time_intervals: [business-hours]
            - receiver: everything
              group_by: ['...']
              matchers: ['{job=~".+"}']
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [alertname, cluster]
          - source_match:
              alertname: NodeDown
            target_match_re:
              alertname: 'Node.+'
            equal: ['instance']
        receivers:
          - name: default
            webhook_configs:
              - url: 'http://hooks.example.org/alert?token=abc123'
                max_alerts: 10
                http_config:
                  basic_auth: {username: u, password: basic-pw}
                  oauth2: null
          - name: db-team
            email_configs:
              - to: 'db@example.org'
                auth_password: email-pw
                headers:
                  subject: 'DB alert 告警'
            slack_configs:
              - channel: '#db'
                api_url: 'https://hooks.slack.com/services/T1/B1/SLACKSECRET2'
                title: '{{ .CommonLabels.alertname }}'
                fields:
                  - title: Severity
                    value: '{{ .CommonLabels.severity }}'
                    short: true
                actions:
                  - type: button
                    text: Runbook
                    url: 'https://runbooks.example.org/db'
          - name: db-pager
            pagerduty_configs:
              - routing_key: 'pd-routing-key-secret'
              - service_key: 'pd-service-key'
          - name: web-team
            opsgenie_configs:
              - api_key: 'opsgenie-key-secret'
            pushover_configs:
              - user_key: 'po-user'
                token: 'po-token'
            victorops_configs:
              - api_key: 'vo-key2'
                routing_key: 'vo-route'
            wechat_configs:
              - api_secret: 'wx-secret'
            sns_configs:
              - topic_arn: arn:aws:sns:us-east-1:123:x
                sigv4:
                  access_key: AK
                  secret_key: 'sns-secret-key'
          - name: everything
            telegram_configs:
              - bot_token: 'telegram-bot-token'
                chat_id: 42
            discord_configs:
              - webhook_url: 'https://discord.com/api/webhooks/DISCORDSECRET'
            webex_configs:
              - room_id: r
                api_url: 'https://webexapis.com/v1/messages'
                http_config:
                  authorization: {credentials: 'webex-token'}
        mute_time_intervals:
          - name: offhours
            time_intervals:
              - times:
                  - start_time: '00:00'
                    end_time: '08:00'
              - weekdays: ['saturday', 'sunday']
        time_intervals:
          - name: business-hours
            time_intervals:
              - weekdays: ['monday:friday']
                times:
                  - start_time: '09:00'
                    end_time: '17:00'
                location: 'Asia/Shanghai'
        """;

    /// <summary>Wraps a route tree (YAML under <c>route:</c>) into a loadable config with the given receivers.</summary>
    public static string WithRoute(string routeYaml, params string[] receivers)
    {
        var indented = string.Join("\n", routeYaml.Split('\n').Select(l => "  " + l));
        var names = string.Join("\n", receivers.Select(r => $"  - name: '{r}'"));
        return $"route:\n{indented}\nreceivers:\n{names}\n";
    }
}
