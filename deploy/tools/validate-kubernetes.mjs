// Validates rendered Kubernetes manifests (kubectl kustomize output) without a cluster:
//
//  1. Schema: every object against the Kubernetes API's OpenAPI schema, through the validators that the
//     kubernetes-models package compiles from it (types, required fields, enums, formats).
//  2. Unknown fields: the validators are run on a proxy that records which fields the schema reads; a field
//     the schema never reads is not part of the API (what kubectl's --validate=strict refuses).
//  3. References: ConfigMaps, Secrets and their keys, PVCs, ServiceAccounts, volume mounts, Service
//     selectors and target ports, PDB selectors and RBAC subjects point at objects that exist.
//  4. Policy: pinned images, resource requests and limits, non-root, no privilege escalation.
//  5. Cluster policy (kubernetes-policy.mjs): Pod Security "restricted" where a namespace enforces it,
//     NetworkPolicies, and the RBAC that Prometheus's service discovery needs.
//
// ServiceMonitor and PrometheusRule (components/prometheus-operator) are checked against the schemas of
// @kubernetes-models/prometheus-operator, compiled from the operator's CRDs.
//
// Usage: node validate-kubernetes.mjs rendered.yaml [more.yaml...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { checkNetworkPolicies, checkPodSecurity, checkPrometheusDiscovery } from "./kubernetes-policy.mjs";

const require = createRequire(import.meta.url);
const modelsRoot = path.dirname(require.resolve("kubernetes-models"));
const operatorRoot = path.join(path.dirname(require.resolve("kubernetes-models")), "..", "@kubernetes-models", "prometheus-operator");

const errors = [];
const fail = (where, message) => errors.push(`${where}: ${message}`);

// Containers that cannot have a read-only root filesystem, and why.
const writableRootAllowed = new Map([
  ["StatefulSet/rabbitmq/rabbitmq", "the image's entrypoint writes its configuration under /etc/rabbitmq"],
]);

function loadValidator(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  if (group === "monitoring.coreos.com") {
    try {
      return require(path.join(operatorRoot, "_schemas", `MonitoringCoreosCom${version[0].toUpperCase()}${version.slice(1)}${kind}.js`)).validate;
    } catch {
      return null;
    }
  }
  const modulePath = path.join(modelsRoot, group ? `${group}/${version}` : version, "index.js");
  let exports;
  try {
    exports = require(modulePath);
  } catch {
    return null;
  }
  const model = exports[kind];
  if (typeof model !== "function") {
    return null;
  }
  // Each model is exported twice: by kind and by its schema's name (IoK8sApiAppsV1Deployment).
  const schemaName = Object.keys(exports).find((k) => k.startsWith("IoK8s") && exports[k] === model);
  if (!schemaName) {
    return null;
  }
  return require(path.join(modelsRoot, "_schemas", `${schemaName}.js`)).validate;
}

// Wraps an object so that every field the validator looks at is recorded.
function track(value, where, seen) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const read = new Set();
  seen.push({ where, value, read });
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") {
        read.add(key);
      }
      const child = Reflect.get(target, key, receiver);
      if (typeof key === "string" && Object.hasOwn(target, key) && child !== null && typeof child === "object") {
        if (!children.has(key)) {
          children.set(key, track(child, Array.isArray(target) ? `${where}[${key}]` : `${where}.${key}`, seen));
        }
        return children.get(key);
      }
      return child;
    },
    // A schema that iterates the keys (a map such as labels or resources.limits) accepts them all.
    ownKeys(target) {
      for (const key of Reflect.ownKeys(target)) {
        if (typeof key === "string") {
          read.add(key);
        }
      }
      return Reflect.ownKeys(target);
    },
    has(target, key) {
      if (typeof key === "string") {
        read.add(key);
      }
      return Reflect.has(target, key);
    },
  });
}

function validateSchema(obj, id) {
  const validate = loadValidator(obj.apiVersion, obj.kind);
  if (!validate) {
    fail(id, `no schema for ${obj.apiVersion} ${obj.kind} (not a built-in Kubernetes type)`);
    return;
  }
  const seen = [];
  const ok = validate(track(obj, "", seen));
  if (!ok) {
    for (const e of validate.errors ?? []) {
      fail(id, `${e.instancePath || "/"}: ${e.message ?? `fails "${e.keyword}"`} ${JSON.stringify(e.params)}`);
    }
  }
  for (const { where, value, read } of seen) {
    if (Array.isArray(value)) {
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!read.has(key)) {
        fail(id, `unknown field ${where}.${key}`);
      }
    }
  }
}

const docs = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      fail(file, doc.errors.map((e) => e.message).join("; "));
      continue;
    }
    const obj = doc.toJS();
    // kustomize wraps long base64 values over several lines; the API server's decoder (Go's base64)
    // skips the line breaks, so they are removed here before the "byte" format is checked.
    if (obj?.kind === "Secret" && obj.data) {
      for (const key of Object.keys(obj.data)) {
        obj.data[key] = String(obj.data[key]).replace(/[\r\n]/g, "");
      }
    }
    if (obj !== null) {
      docs.push(obj);
    }
  }
}
if (docs.length === 0) {
  fail("input", "no objects");
}

const idOf = (o) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;
const byKind = (kind) => docs.filter((o) => o.kind === kind);
const find = (kind, namespace, name) =>
  docs.find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? null) === (namespace ?? null));
const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"]);

for (const obj of docs) {
  const id = idOf(obj);
  validateSchema(obj, id);
  if (!clusterScoped.has(obj.kind) && !obj.metadata?.namespace) {
    fail(id, "no namespace");
  }
}

const dataKeys = (o) => new Set([...Object.keys(o?.data ?? {}), ...Object.keys(o?.stringData ?? {}), ...Object.keys(o?.binaryData ?? {})]);
const workloads = docs.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

for (const w of workloads) {
  const id = idOf(w);
  const ns = w.metadata.namespace;
  const spec = w.spec.template.spec;
  if (!matches(w.spec.selector?.matchLabels, w.spec.template.metadata?.labels)) {
    fail(id, "spec.selector does not match the pod template's labels");
  }
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  const claimTemplates = new Set((w.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name));
  for (const v of volumes.values()) {
    if (v.configMap && !find("ConfigMap", ns, v.configMap.name)) {
      fail(id, `volume ${v.name}: ConfigMap ${v.configMap.name} does not exist`);
    }
    if (v.secret && !find("Secret", ns, v.secret.secretName)) {
      fail(id, `volume ${v.name}: Secret ${v.secret.secretName} does not exist`);
    }
    if (v.persistentVolumeClaim && !find("PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName)) {
      fail(id, `volume ${v.name}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} does not exist`);
    }
  }
  const sa = spec.serviceAccountName;
  if (sa && !find("ServiceAccount", ns, sa)) {
    fail(id, `ServiceAccount ${sa} does not exist`);
  }
  if (spec.securityContext?.runAsNonRoot !== true) {
    fail(id, "pod securityContext.runAsNonRoot is not true");
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const cid = `${id} container ${c.name}`;
    const image = c.image ?? "";
    const lastPart = image.split("/").pop();
    if (!image.includes("@sha256:") && (!lastPart.includes(":") || lastPart.endsWith(":latest"))) {
      fail(cid, `image ${image} is not pinned to a version`);
    }
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (!c.resources?.[kind]?.[resource]) {
          fail(cid, `no resources.${kind}.${resource}`);
        }
      }
    }
    if (c.securityContext?.allowPrivilegeEscalation !== false) {
      fail(cid, "securityContext.allowPrivilegeEscalation is not false");
    }
    if (c.securityContext?.readOnlyRootFilesystem !== true && !writableRootAllowed.has(`${w.kind}/${w.metadata.name}/${c.name}`)) {
      fail(cid, "securityContext.readOnlyRootFilesystem is not true");
    }
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name) && !claimTemplates.has(m.name)) {
        fail(cid, `volumeMount ${m.name} has no volume`);
      }
    }
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
      if (!ref) {
        continue;
      }
      const kind = e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
      const target = find(kind, ns, ref.name);
      if (!target) {
        fail(cid, `env ${e.name}: ${kind} ${ref.name} does not exist`);
      } else if (!dataKeys(target).has(ref.key)) {
        fail(cid, `env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      }
    }
  }
}

for (const s of byKind("Service")) {
  const id = idOf(s);
  const selected = workloads.filter((w) => w.metadata.namespace === s.metadata.namespace && matches(s.spec.selector, w.spec.template.metadata?.labels));
  if (s.spec.selector && selected.length === 0) {
    fail(id, "selects no pods");
  }
  const portNames = new Set(selected.flatMap((w) => w.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
  const portNumbers = new Set(selected.flatMap((w) => w.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))));
  for (const p of s.spec.ports ?? []) {
    const target = p.targetPort ?? p.port;
    if (typeof target === "string" ? !portNames.has(target) : !portNumbers.has(target)) {
      fail(id, `port ${p.name}: no selected container has port ${target}`);
    }
  }
}

for (const pdb of byKind("PodDisruptionBudget")) {
  if (!workloads.some((w) => w.metadata.namespace === pdb.metadata.namespace && matches(pdb.spec.selector?.matchLabels, w.spec.template.metadata?.labels))) {
    fail(idOf(pdb), "selects no pods");
  }
}

for (const b of [...byKind("ClusterRoleBinding"), ...byKind("RoleBinding")]) {
  if (!find(b.roleRef.kind, b.roleRef.kind === "ClusterRole" ? null : b.metadata.namespace, b.roleRef.name)) {
    fail(idOf(b), `${b.roleRef.kind} ${b.roleRef.name} does not exist`);
  }
  for (const s of b.subjects ?? []) {
    if (s.kind === "ServiceAccount" && !find("ServiceAccount", s.namespace, s.name)) {
      fail(idOf(b), `subject ServiceAccount ${s.namespace}/${s.name} does not exist`);
    }
  }
}

const context = { docs, workloads, idOf, fail };
checkPodSecurity(context);
const networkPolicies = checkNetworkPolicies(context);
const roles = checkPrometheusDiscovery(context);

const kinds = new Map();
for (const o of docs) {
  kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
}
const summary = [...kinds].sort().map(([k, n]) => `${n} ${k}`).join(", ");
if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  console.error(`FAILED: ${errors.length} problem(s) in ${docs.length} objects`);
  process.exit(1);
}
console.log(`  ${docs.length} objects valid (${summary})`);
console.log(`  Pod Security restricted in ${docs.filter((o) => o.kind === "Namespace" && o.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted").map((o) => o.metadata.name)}; `
  + `${networkPolicies} NetworkPolicies as expected; Prometheus discovery roles [${roles}] granted`);
