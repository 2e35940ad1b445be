// Checks Grafana's provisioning (deploy/grafana) without a Grafana: the files' structure, that they agree
// with each other and with the rest of the stack, and writes every dashboard query into a rules file so that
// promtool can parse the PromQL.
//
//  - datasources: name, uid, type, url; the dashboard's panels use a provisioned uid; the Alertmanager data
//    source is Alerting with implementation prometheus, and all of them reach Grafana on Kubernetes too;
//  - contact point: a webhook to Alerting's Grafana endpoint, whose source exists in every Alerting config,
//    with a bearer token read from a file ($__file{/run/secrets/NAME}) that Grafana has mounted in
//    docker-compose.yml (a compose secret) and on Kubernetes (a Secret key); the notification policy uses
//    that contact point;
//  - dashboards: valid JSON, unique panel ids, each query non-empty.
//
// Usage: node check-grafana.mjs grafana-dir rendered-k8s.yaml docker-compose.yml out-dir alerting.yml...
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";

const [grafanaDir, k8sFile, composeFile, outDir, ...alertingConfigs] = process.argv.slice(2);
const errors = [];
const prov = (sub) => path.join(grafanaDir, "provisioning", sub);
const yamlFiles = (dir) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => [f, parse(readFileSync(path.join(dir, f), "utf8"))]);

// Data sources.
const datasourceUids = new Set();
const alertmanagerSources = [];
for (const [file, doc] of yamlFiles(prov("datasources"))) {
  if (doc.apiVersion !== 1) {
    errors.push(`datasources/${file}: apiVersion must be 1`);
  }
  for (const ds of doc.datasources ?? []) {
    for (const key of ["name", "uid", "type", "url"]) {
      if (!ds[key]) {
        errors.push(`datasources/${file}: ${ds.name ?? "?"}: no ${key}`);
      }
    }
    datasourceUids.add(ds.uid);
    if (ds.type === "alertmanager") {
      alertmanagerSources.push(ds);
      const where = `datasources/${file}: ${ds.name}`;
      if (ds.jsonData?.implementation !== "prometheus") {
        errors.push(`${where}: jsonData.implementation must be prometheus (Grafana then calls /api/v2/..., not /alertmanager/api/v2/...)`);
      }
      if (new URL(ds.url ?? "invalid:").host !== "alerting:9093") {
        errors.push(`${where}: url ${ds.url} is not Alerting (http://alerting:9093)`);
      }
    }
  }
}

// Files Grafana has under /run/secrets: compose secrets, and on Kubernetes the keys of the Secret volumes
// mounted there (all keys of the Secret, or the listed items).
const composeSecrets = new Set((parse(readFileSync(composeFile, "utf8")).services?.grafana?.secrets ?? [])
  .map((s) => `/run/secrets/${typeof s === "string" ? s : s.target ?? s.source}`));
const k8sObjects = parseAllDocuments(readFileSync(k8sFile, "utf8")).map((d) => d.toJS());
const k8sSecrets = new Set(k8sObjects
  .filter((o) => o?.kind === "Deployment" && o.metadata.name === "grafana")
  .flatMap((o) => o.spec.template.spec.containers.flatMap((c) => (c.volumeMounts ?? []).flatMap((m) => {
    const secret = (o.spec.template.spec.volumes ?? []).find((v) => v.name === m.name)?.secret;
    if (!secret) {
      return [];
    }
    const keys = secret.items?.map((i) => i.path) ?? Object.keys(k8sObjects.find((x) => x?.kind === "Secret"
      && x.metadata.name === secret.secretName)?.data ?? {});
    return keys.map((k) => `${m.mountPath.replace(/\/$/, "")}/${k}`);
  }))));

// The Alertmanager data source sends no credentials: Alerting's API must not require them, and on
// Kubernetes the ConfigMap must carry every provisioned data source file.
for (const f of alertingConfigs) {
  if (alertmanagerSources.length > 0 && parse(readFileSync(f, "utf8")).server?.auth?.read) {
    errors.push(`${f}: server.auth.read is set, but the Alertmanager data source sends no credentials (add basicAuth to it)`);
  }
}
const datasourceFiles = readdirSync(prov("datasources")).filter((f) => /\.ya?ml$/.test(f)).sort();
const datasourcesConfigMap = parseAllDocuments(readFileSync(k8sFile, "utf8")).map((d) => d.toJS())
  .find((o) => o?.kind === "ConfigMap" && o.metadata.name.startsWith("grafana-datasources"));
if (JSON.stringify(Object.keys(datasourcesConfigMap?.data ?? {}).sort()) !== JSON.stringify(datasourceFiles)) {
  errors.push(`ConfigMap grafana-datasources holds [${Object.keys(datasourcesConfigMap?.data ?? {})}], not every file of datasources/ [${datasourceFiles}]`);
}

// Grafana sources configured in Alerting.
const sourcesPerConfig = alertingConfigs.map((f) => [f, new Set((parse(readFileSync(f, "utf8")).server?.grafana?.sources ?? []).map((s) => s.name))]);

// Contact points and policies.
const contactPoints = new Set();
let webhooks = 0;
const alertingDocs = yamlFiles(prov("alerting"));
for (const [file, doc] of alertingDocs) {
  for (const cp of doc.contactPoints ?? []) {
    contactPoints.add(cp.name);
    for (const r of cp.receivers ?? []) {
      const where = `alerting/${file}: contact point ${cp.name}`;
      if (!r.uid) {
        errors.push(`${where}: receiver without uid`);
      }
      if (r.type !== "webhook") {
        continue;
      }
      webhooks++;
      const url = new URL(r.settings?.url ?? "invalid:");
      const m = /^\/api\/grafana\/alerts(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m || url.host !== "alerting:9093") {
        errors.push(`${where}: url ${r.settings?.url} is not Alerting's Grafana endpoint (http://alerting:9093/api/grafana/alerts[/source])`);
      } else if (m[1]) {
        for (const [config, names] of sourcesPerConfig) {
          if (!names.has(m[1])) {
            errors.push(`${where}: source "${m[1]}" is not in server.grafana.sources of ${config}`);
          }
        }
      }
      const credential = /^\$__file\{([^}]+)\}$/.exec(r.settings?.authorization_credentials ?? "");
      if (!credential) {
        errors.push(`${where}: authorization_credentials must be read from a mounted secret ($__file{/run/secrets/...}), not be written here`);
      } else {
        for (const [where2, files] of [["docker-compose.yml", composeSecrets], ["the Kubernetes grafana Deployment", k8sSecrets]]) {
          if (!files.has(credential[1])) {
            errors.push(`${where}: ${credential[1]} is not mounted for grafana in ${where2} (has: ${[...files].join(", ") || "none"})`);
          }
        }
      }
      if (!["POST", "PUT"].includes(r.settings?.httpMethod ?? "POST")) {
        errors.push(`${where}: httpMethod must be POST or PUT`);
      }
    }
  }
}
let policies = 0;
for (const [file, doc] of alertingDocs) {
  for (const p of doc.policies ?? []) {
    policies++;
    if (!contactPoints.has(p.receiver)) {
      errors.push(`alerting/${file}: policy receiver ${p.receiver} is not a provisioned contact point`);
    }
  }
}
if (webhooks === 0 || policies === 0) {
  errors.push("alerting: no webhook contact point or no notification policy");
}

// Dashboards.
const records = [];
let panels = 0;
for (const [file, doc] of yamlFiles(prov("dashboards"))) {
  for (const provider of doc.providers ?? []) {
    if (provider.type !== "file" || !provider.options?.path) {
      errors.push(`dashboards/${file}: provider ${provider.name} needs type file and options.path`);
    }
  }
}
for (const file of readdirSync(path.join(grafanaDir, "dashboards")).filter((f) => f.endsWith(".json"))) {
  let dash;
  try {
    dash = JSON.parse(readFileSync(path.join(grafanaDir, "dashboards", file), "utf8"));
  } catch (e) {
    errors.push(`dashboards/${file}: ${e.message}`);
    continue;
  }
  if (!dash.uid || !dash.title || !Array.isArray(dash.panels)) {
    errors.push(`dashboards/${file}: needs uid, title and panels`);
    continue;
  }
  const ids = new Set();
  for (const p of dash.panels) {
    panels++;
    const where = `dashboards/${file}: panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) {
      errors.push(`${where}: duplicate id`);
    }
    ids.add(p.id);
    if (!p.gridPos) {
      errors.push(`${where}: no gridPos`);
    }
    for (const t of p.targets ?? []) {
      const uid = t.datasource?.uid ?? p.datasource?.uid;
      if (!datasourceUids.has(uid)) {
        errors.push(`${where}: datasource uid ${uid} is not provisioned`);
      }
      if (!t.expr?.trim()) {
        errors.push(`${where}: target ${t.refId} has no query`);
        continue;
      }
      // Grafana's interval variables, replaced by durations so that promtool can parse the query.
      const expr = t.expr.replaceAll("$__rate_interval", "1m").replaceAll("$__interval", "1m").replaceAll("$__range", "1h");
      records.push({ record: `dashboard:${dash.uid.replaceAll("-", "_")}:panel_${p.id}_${t.refId}`, expr });
    }
  }
}
if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, "dashboard-queries.rules.yml");
writeFileSync(out, stringify({ groups: [{ name: "dashboard-queries", rules: records }] }));
console.error(`  ${datasourceUids.size} datasources (${alertmanagerSources.length} Alertmanager), ${webhooks} webhook contact point, ${policies} policy, ${panels} panels with ${records.length} queries`);
console.log(out);
