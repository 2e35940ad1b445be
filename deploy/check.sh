#!/usr/bin/env bash
# Checks everything in deploy/, rules/, docker-compose.yml and the Dockerfile with real tools, and says
# what it checked. Exits non-zero if anything fails. .ci/run calls it before dotnet test.
#
# Needs: promtool (apt: prometheus), kubectl (with kustomize), docker-compose, yamllint, shellcheck,
# node and npm, and the .NET SDK (for alerting check-config).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

failed=()
step() { printf '\n== %s\n' "$*"; }
# Runs a command; on failure records the step's name. Output goes through as it is.
check() {
  local name=$1
  shift
  if "$@"; then
    printf '   ok: %s\n' "$name"
  else
    printf '   FAILED: %s\n' "$name"
    failed+=("$name")
  fi
}

step "tools"
version_of() {
  case $1 in
    kubectl) kubectl version --client 2>/dev/null | tr '\n' ' ' ;;
    shellcheck) shellcheck --version | sed -n 's/^version: //p' ;;
    *) "$1" --version 2>/dev/null | head -1 ;;
  esac
}
missing=()
for tool in promtool kubectl docker-compose yamllint shellcheck node npm dotnet; do
  if command -v "$tool" >/dev/null 2>&1; then
    printf '   %-15s %s\n' "$tool" "$(version_of "$tool")"
  else
    missing+=("$tool")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]} (apt-get install prometheus docker-compose yamllint shellcheck nodejs npm; kubectl >= 1.27)"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "node validators (deploy/tools, npm ci from package-lock.json)"
if ! (cd deploy/tools && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1); then
  cat "$work/npm.log"
  echo "   FAILED: npm ci"
  exit 1
fi
echo "   installed: $(cd deploy/tools && npm ls --depth=0 --parseable 2>/dev/null | tail -n +2 | xargs -n1 basename | tr '\n' ' ')"

step "yamllint: every YAML file of the stack"
mapfile -t yaml_files < <(find deploy rules docker-compose.yml -path deploy/tools/node_modules -prune -o -type f \( -name '*.yml' -o -name '*.yaml' \) -print | sort)
echo "   ${#yaml_files[@]} files"
check "yamllint" yamllint -c deploy/yamllint.yml -f parsable "${yaml_files[@]}"

step "shellcheck: deploy/check.sh"
check "shellcheck deploy/check.sh" shellcheck deploy/check.sh

step "Prometheus rules: promtool check rules, promtool test rules, house rules"
check "promtool check rules" promtool check rules rules/*.rules.yml
check "promtool test rules" promtool test rules rules/tests/*.test.yml
check "severity, summary, description, runbook_url; a firing test per alert" node deploy/tools/check-rules.mjs rules

step "metric names in rules and dashboards exist in Alerting's source"
metrics_src=src/Alerting.Server/Metrics
used=$(grep -ohE '\b(alertmanager|alerting)_[a-z_]+' rules/alerting.rules.yml deploy/grafana/dashboards/*.json |
  sed -E 's/_(bucket|sum|count)$//' | sort -u)
unknown=()
for m in $used; do
  grep -rqF "\"$m\"" "$metrics_src" || unknown+=("$m")
done
echo "   $(echo "$used" | wc -w) names: $(echo "$used" | tr '\n' ' ')"
check "every name is exported by $metrics_src" test ${#unknown[@]} -eq 0
[ ${#unknown[@]} -eq 0 ] || echo "   not in $metrics_src: ${unknown[*]}"

step "Kubernetes: kubectl kustomize, then schema, unknown fields, references, policy"
# The Secrets come from files the operator creates from the *.example files; render a copy with the examples.
cp -r deploy rules "$work/"
for example in "$work"/deploy/kubernetes/secrets/*.env.example "$work"/deploy/kubernetes/components/*/*.env.example; do
  cp "$example" "${example%.example}"
done
check "kubectl kustomize deploy/kubernetes" sh -c "kubectl kustomize '$work/deploy/kubernetes' > '$work/k8s.yaml'"
# The same with RabbitMQ, enabled the way deploy/README.md says: uncommenting the component.
mkdir -p "$work/scale"
cp -r "$work/deploy" "$work/rules" "$work/scale/"
sed -i -e 's|^# components:$|components:|' -e 's|^#   - components/rabbitmq$|  - components/rabbitmq|' \
  "$work/scale/deploy/kubernetes/kustomization.yaml"
check "kubectl kustomize deploy/kubernetes with components/rabbitmq" \
  sh -c "kubectl kustomize '$work/scale/deploy/kubernetes' > '$work/k8s-scale.yaml' && grep -q 'name: rabbitmq' '$work/k8s-scale.yaml'"
# The same with components/prometheus-operator (ServiceMonitor, PrometheusRule) next to RabbitMQ.
mkdir -p "$work/operator"
cp -r "$work/deploy" "$work/rules" "$work/operator/"
sed -i -e 's|^# components:$|components:|' -e 's|^#   - components/rabbitmq$|  - components/rabbitmq\n  - components/prometheus-operator|' \
  "$work/operator/deploy/kubernetes/kustomization.yaml"
check "kubectl kustomize deploy/kubernetes with components/prometheus-operator" \
  sh -c "kubectl kustomize '$work/operator/deploy/kubernetes' > '$work/k8s-operator.yaml' && grep -q 'kind: ServiceMonitor' '$work/k8s-operator.yaml'"
# Schemas (the operator's CRDs for ServiceMonitor and PrometheusRule), Pod Security "restricted" in monitoring,
# NetworkPolicies, and the RBAC of Prometheus's EndpointSlice discovery.
check "validate the base manifests" node deploy/tools/validate-kubernetes.mjs "$work/k8s.yaml"
check "validate the manifests with RabbitMQ" node deploy/tools/validate-kubernetes.mjs "$work/k8s-scale.yaml"
check "validate the manifests with the Prometheus Operator" node deploy/tools/validate-kubernetes.mjs "$work/k8s-operator.yaml"
check "the PrometheusRule's groups are rules/*.rules.yml" node deploy/tools/prometheus-rule.mjs rules --check "$work/k8s-operator.yaml"

step "Prometheus configs: promtool check config (rules loaded as mounted)"
for config in deploy/kubernetes/prometheus.yml deploy/compose/prometheus.yml; do
  out="$work/prometheus/$(basename "$(dirname "$config")")"
  if local_copy=$(node deploy/tools/prometheus-k8s-config.mjs "$config" rules "$out"); then
    check "promtool check config $config" promtool check config "$local_copy"
  else
    check "kubernetes_sd_configs in $config" false
  fi
done

step "docker-compose.yml: docker-compose config (default and scale profiles)"
check "docker-compose config" docker-compose -f docker-compose.yml config -q
mapfile -t secret_files < <(docker-compose -f docker-compose.yml config | sed -n 's/^ *file: //p')
# shellcheck disable=SC2016 # the inner shell expands $f
check "compose secret files exist: ${secret_files[*]}" sh -c 'for f; do test -s "$f" || { echo "   missing: $f"; exit 1; }; done' - "${secret_files[@]}"
scale_services=$(docker-compose -f docker-compose.yml --profile scale config --services | sort | tr '\n' ' ')
echo "   services with --profile scale: $scale_services"
check "docker-compose --profile scale config" \
  test "$scale_services" = "alerting alerting-2 grafana mailpit node-exporter postgres prometheus rabbitmq "

step "Grafana provisioning: structure, cross-references, dashboard PromQL through promtool"
if queries=$(node deploy/tools/check-grafana.mjs deploy/grafana "$work/k8s.yaml" docker-compose.yml "$work/grafana" \
    deploy/kubernetes/alerting.yml deploy/compose/alerting.yml); then
  check "grafana provisioning" true
  check "promtool check rules (dashboard queries)" promtool check rules "$queries"
else
  check "grafana provisioning" false
fi

step "Alerting configs: alerting check-config"
if dotnet build src/Alerting.Server --nologo -v q -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  dll=src/Alerting.Server/bin/Debug/net10.0/alerting.dll
  # The configs name their secrets by where they are mounted: /etc/alerting/secrets on Kubernetes (the keys of
  # secrets/alerting.env and the database URL), /run/secrets in compose (its secrets: files). Each such path must
  # be mounted, and the configs must load with the example secrets in their place (server: files are read at load).
  mkdir -p "$work/secrets/kubernetes" "$work/checked/kubernetes" "$work/checked/compose"
  echo "database-url" >"$work/secrets/kubernetes.keys"
  while IFS='=' read -r key value; do
    printf '%s\n' "$value" >"$work/secrets/kubernetes/$key"
    echo "$key" >>"$work/secrets/kubernetes.keys"
  done < <(grep -vE '^[[:space:]]*(#|$)' deploy/kubernetes/secrets/alerting.env.example)
  # shellcheck disable=SC2016 # JavaScript, not shell
  compose_secrets=$(node -e 'const { parse } = require("./deploy/tools/node_modules/yaml");
    const c = parse(require("fs").readFileSync("docker-compose.yml", "utf8"), { merge: true });
    console.log((c.services.alerting.secrets ?? []).map((x) => x.source ?? x).join("\n"))')
  unmounted=()
  grep -q 'mountPath: /etc/alerting/secrets$' "$work/k8s.yaml" || unmounted+=("alerting.yaml: nothing at /etc/alerting/secrets")
  for pair in "deploy/kubernetes/alerting.yml|/etc/alerting/secrets/|$(tr '\n' ' ' <"$work/secrets/kubernetes.keys")" \
      "deploy/compose/alerting.yml|/run/secrets/|$(tr '\n' ' ' <<<"$compose_secrets")"; do
    IFS='|' read -r file prefix keys <<<"$pair"
    while read -r used; do
      [[ " $keys " == *" $used "* ]] || unmounted+=("$file: $prefix$used")
    done < <(grep -oE "${prefix}[A-Za-z0-9._-]+" "$file" | sed "s|^$prefix||" | sort -u)
  done
  check "every secret file the configs name is mounted" test ${#unmounted[@]} -eq 0
  [ ${#unmounted[@]} -eq 0 ] || printf '   not mounted: %s\n' "${unmounted[@]}"
  sed "s|/etc/alerting/secrets/|$work/secrets/kubernetes/|g" deploy/kubernetes/alerting.yml >"$work/checked/kubernetes/alerting.yml"
  sed "s|/run/secrets/|$PWD/deploy/compose/secrets.example/|g" deploy/compose/alerting.yml >"$work/checked/compose/alerting.yml"
  check "alerting check-config deploy/alerting.yml and the stack's configs (with the example secrets)" \
    dotnet "$dll" check-config deploy/alerting.yml "$work/checked/kubernetes/alerting.yml" "$work/checked/compose/alerting.yml"
  # Notification templates shipped in the ConfigMap, rendered against a sample alert.
  mapfile -t templates < <(find deploy -path deploy/tools -prune -o -name '*.sbn' -print | sort)
  for template in "${templates[@]}"; do
    check "alerting template render $template" bash -c \
      "set -o pipefail; dotnet '$dll' template render --template '$template' --data deploy/tools/sample-alerts.json | sed 's/^/   | /'"
  done
else
  cat "$work/build.log"
  check "dotnet build src/Alerting.Server" false
fi

step "deploy/README.md: relative links point at files"
broken=()
while read -r link; do
  target=${link%%#*}
  [ -z "$target" ] || [ -e "deploy/$target" ] || broken+=("$link")
done < <(grep -oE '\]\([^)]+\)' deploy/README.md | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?:|#)')
check "links in deploy/README.md" test ${#broken[@]} -eq 0
[ ${#broken[@]} -eq 0 ] || echo "   broken: ${broken[*]}"

step "Dockerfile and images: dockerfile-utils lint, pinned versions, the version, no shell needed"
lint=$(deploy/tools/node_modules/.bin/dockerfile-utils lint Dockerfile 2>&1)
echo "${lint:-   no findings}"
check "dockerfile-utils lint Dockerfile" test -z "$lint"
check "images pinned and the same in compose and Kubernetes" \
  node deploy/tools/check-images.mjs Dockerfile docker-compose.yml "$work/k8s.yaml" "$work/k8s-scale.yaml"
check "one version (Directory.Build.props) in the image label and tags; a runtime stage without shell or curl" \
  node deploy/tools/check-version.mjs

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "deploy/check.sh: ${#failed[@]} check(s) failed:"
  printf '  - %s\n' "${failed[@]}"
  exit 1
fi
echo "deploy/check.sh: all checks passed"
