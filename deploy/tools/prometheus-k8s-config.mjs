// Debian's promtool is built without Kubernetes service discovery, so it refuses kubernetes_sd_configs.
// This checks those blocks itself (known keys and roles, and that relabelling only reads meta labels the
// role provides) and writes a copy of the config that promtool can check for everything else:
// kubernetes_sd_configs become a static target, the service account's files become local files, and
// rule_files point at the repository's rules.
//
// Usage: node prometheus-k8s-config.mjs prometheus.yml rules-dir out-dir   (prints the copy's path)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";

const [source, rulesDir, outDir] = process.argv.slice(2);
const config = parse(readFileSync(source, "utf8"));
const errors = [];

const sdKeys = new Set(["role", "namespaces", "selectors", "api_server", "kubeconfig_file", "attach_metadata",
  "basic_auth", "authorization", "oauth2", "tls_config", "proxy_url", "follow_redirects", "enable_http2"]);
// The meta labels each role attaches (Prometheus's kubernetes_sd_config documentation).
const roleLabels = {
  node: ["__meta_kubernetes_node_"],
  service: ["__meta_kubernetes_namespace", "__meta_kubernetes_service_"],
  pod: ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_"],
  endpoints: ["__meta_kubernetes_namespace", "__meta_kubernetes_endpoints_", "__meta_kubernetes_endpoint_",
    "__meta_kubernetes_service_", "__meta_kubernetes_pod_"],
  endpointslice: ["__meta_kubernetes_namespace", "__meta_kubernetes_endpointslice_", "__meta_kubernetes_service_",
    "__meta_kubernetes_pod_"],
  ingress: ["__meta_kubernetes_namespace", "__meta_kubernetes_ingress_"],
};

mkdirSync(outDir, { recursive: true });
const localFile = (name, content) => {
  const file = path.join(outDir, name);
  writeFileSync(file, content);
  return file;
};
const ca = localFile("ca.crt", "");
const token = localFile("token", "token\n");
const localise = (http) => {
  if (http?.tls_config?.ca_file?.startsWith("/var/run/secrets/kubernetes.io/")) {
    http.tls_config.ca_file = ca;
  }
  if (http?.authorization?.credentials_file?.startsWith("/var/run/secrets/kubernetes.io/")) {
    http.authorization.credentials_file = token;
  }
};

for (const job of config.scrape_configs ?? []) {
  localise(job);
  const sds = job.kubernetes_sd_configs;
  if (!sds) {
    continue;
  }
  const roles = new Set();
  for (const sd of sds) {
    for (const key of Object.keys(sd)) {
      if (!sdKeys.has(key)) {
        errors.push(`job ${job.job_name}: kubernetes_sd_configs: unknown field ${key}`);
      }
    }
    if (!(sd.role in roleLabels)) {
      errors.push(`job ${job.job_name}: kubernetes_sd_configs: unknown role ${sd.role}`);
    } else {
      roles.add(sd.role);
    }
    if (sd.namespaces && !Array.isArray(sd.namespaces.names) && sd.namespaces.own_namespace === undefined) {
      errors.push(`job ${job.job_name}: kubernetes_sd_configs: namespaces needs names or own_namespace`);
    }
  }
  const allowed = [...roles].flatMap((r) => roleLabels[r]);
  for (const rc of job.relabel_configs ?? []) {
    const read = [...(rc.source_labels ?? [])];
    if (rc.action === "labelmap" && rc.regex?.startsWith("__meta_kubernetes_")) {
      read.push(rc.regex.replace(/[(.].*$/, ""));
    }
    for (const label of read.filter((l) => l.startsWith("__meta_kubernetes_"))) {
      if (!allowed.some((prefix) => label.startsWith(prefix))) {
        errors.push(`job ${job.job_name}: relabelling reads ${label}, which role ${[...roles].join(", ")} does not provide`);
      }
    }
  }
  delete job.kubernetes_sd_configs;
  job.static_configs = [{ targets: ["kubernetes-sd.invalid:443"] }];
}
for (const am of config.alerting?.alertmanagers ?? []) {
  localise(am);
}
config.rule_files = (config.rule_files ?? []).map((f) =>
  f.startsWith("/etc/prometheus/rules/") ? path.join(path.resolve(rulesDir), path.basename(f)) : f);

if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${source}: ${e}`);
  }
  process.exit(1);
}
console.log(localFile(path.basename(source), stringify(config)));
