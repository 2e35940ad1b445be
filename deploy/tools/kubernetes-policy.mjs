// Checks of validate-kubernetes.mjs that concern the cluster's policies rather than single objects:
//  - Pod Security: every pod in a namespace labelled pod-security.kubernetes.io/enforce=restricted meets the
//    "restricted" level (Kubernetes' Pod Security Standards), and every namespace an object names exists.
//  - NetworkPolicy: selectors and ports point at pods that exist, and who may reach Alerting, PostgreSQL
//    and RabbitMQ is exactly what deploy/kubernetes/network-policies.yaml says.
//  - Prometheus discovery: no role endpoints (deprecated), and the ClusterRole bound to Prometheus's
//    ServiceAccount lets it list and watch what each role in prometheus.yml reads.
import { parse } from "yaml";

// Volume types the restricted level allows.
const restrictedVolumes = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

export function checkPodSecurity({ docs, workloads, idOf, fail }) {
  const namespaces = new Map(docs.filter((o) => o.kind === "Namespace").map((n) => [n.metadata.name, n]));
  for (const o of docs) {
    const ns = o.metadata?.namespace;
    if (ns && !namespaces.has(ns)) {
      fail(idOf(o), `namespace ${ns} is not created by these manifests`);
    }
  }
  for (const w of workloads) {
    const level = namespaces.get(w.metadata.namespace)?.metadata.labels?.["pod-security.kubernetes.io/enforce"];
    if (level !== "restricted") {
      continue;
    }
    const id = `${idOf(w)} (restricted)`;
    const pod = w.spec.template.spec;
    const psc = pod.securityContext ?? {};
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (pod[field]) {
        fail(id, `${field} is not allowed`);
      }
    }
    for (const v of pod.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== "name");
      if (!restrictedVolumes.has(type)) {
        fail(id, `volume ${v.name}: ${type} volumes are not allowed`);
      }
    }
    if (psc.runAsUser === 0) {
      fail(id, "pod securityContext.runAsUser is 0");
    }
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const csc = c.securityContext ?? {};
      const cid = `${id} container ${c.name}`;
      if ((csc.runAsNonRoot ?? psc.runAsNonRoot) !== true) {
        fail(cid, "runAsNonRoot is not true (pod or container)");
      }
      if (csc.runAsUser === 0) {
        fail(cid, "runAsUser is 0");
      }
      const seccomp = (csc.seccompProfile ?? psc.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        fail(cid, `seccompProfile.type is ${seccomp ?? "unset"}, not RuntimeDefault or Localhost`);
      }
      if (csc.allowPrivilegeEscalation !== false) {
        fail(cid, "allowPrivilegeEscalation is not false");
      }
      if (csc.privileged) {
        fail(cid, "privileged");
      }
      if (!(csc.capabilities?.drop ?? []).includes("ALL")) {
        fail(cid, "capabilities.drop does not include ALL");
      }
      for (const cap of csc.capabilities?.add ?? []) {
        if (cap !== "NET_BIND_SERVICE") {
          fail(cid, `capability ${cap} added`);
        }
      }
      for (const p of c.ports ?? []) {
        if (p.hostPort) {
          fail(cid, `hostPort ${p.hostPort}`);
        }
      }
    }
  }
}

const appOf = (labels) => labels?.["app.kubernetes.io/name"];
const matches = (selector, labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

// Who may reach which port of which app, by the app's name. "ns:<name>" is a peer namespace selected by name,
// "any-ns:<app>" a pod of that app in any namespace (the Prometheus Operator's Prometheus).
const expectedIngress = {
  alerting: { http: ["grafana", "prometheus", "ns:ingress-nginx"] },
  postgres: { postgres: ["alerting"] },
  rabbitmq: { amqp: ["alerting"], prometheus: ["prometheus"] },
};
const operatorPrometheus = "any-ns:prometheus";

export function checkNetworkPolicies({ docs, workloads, idOf, fail }) {
  const policies = docs.filter((o) => o.kind === "NetworkPolicy");
  const podsOf = (ns, selector) =>
    workloads.filter((w) => w.metadata.namespace === ns && matches(selector, w.spec.template.metadata?.labels));
  const allowed = new Map();
  for (const np of policies) {
    const id = idOf(np);
    const ns = np.metadata.namespace;
    const targets = podsOf(ns, np.spec.podSelector);
    if (targets.length === 0) {
      fail(id, "spec.podSelector selects no pods");
    }
    if (!(np.spec.policyTypes ?? []).includes("Ingress")) {
      fail(id, "policyTypes does not include Ingress");
    }
    const ports = new Map(targets.flatMap((w) => w.spec.template.spec.containers.flatMap((c) => c.ports ?? []))
      .map((p) => [p.name, p.containerPort]));
    for (const rule of np.spec.ingress ?? []) {
      const peers = [];
      for (const from of rule.from ?? []) {
        if (from.namespaceSelector) {
          const name = from.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"];
          const anyNs = Object.keys(from.namespaceSelector).length === 0;
          if (from.podSelector && anyNs) {
            peers.push(`any-ns:${appOf(from.podSelector.matchLabels)}`);
          } else if (name && !from.podSelector) {
            peers.push(`ns:${name}`);
          } else {
            fail(id, `ingress from ${JSON.stringify(from)}: only a namespace by name, or pods by app in any namespace`);
          }
        } else if (from.podSelector) {
          if (podsOf(ns, from.podSelector).length === 0) {
            fail(id, `ingress from podSelector ${JSON.stringify(from.podSelector)} selects no pods in ${ns}`);
          }
          peers.push(appOf(from.podSelector.matchLabels));
        } else {
          fail(id, `ingress from ${JSON.stringify(from)}: ipBlock peers are not expected`);
        }
      }
      if (peers.length === 0 || !rule.ports?.length) {
        fail(id, "an ingress rule without from or ports allows everyone");
      }
      for (const p of rule.ports ?? []) {
        const port = typeof p.port === "string" ? p.port : [...ports].find(([, n]) => n === p.port)?.[0];
        if (!ports.has(port)) {
          fail(id, `port ${p.port}: no selected container has it`);
        }
        for (const w of targets) {
          const key = `${appOf(w.spec.template.metadata.labels)}/${port}`;
          allowed.set(key, [...(allowed.get(key) ?? []), ...peers]);
        }
      }
    }
  }
  for (const [app, byPort] of Object.entries(expectedIngress)) {
    if (!workloads.some((w) => appOf(w.spec.template.metadata?.labels) === app)) {
      continue;
    }
    const withOperator = policies.some((np) => np.metadata.name === "alerting-from-prometheus-operator");
    for (const [port, peers] of Object.entries(byPort)) {
      const want = [...peers, ...(app === "alerting" && withOperator ? [operatorPrometheus] : [])].sort();
      const got = [...new Set(allowed.get(`${app}/${port}`) ?? [])].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        fail(`NetworkPolicy for ${app}`, `port ${port} is reachable from [${got}], expected [${want}]`);
      }
    }
    for (const key of allowed.keys()) {
      if (key.startsWith(`${app}/`) && !(key.slice(app.length + 1) in byPort)) {
        fail(`NetworkPolicy for ${app}`, `port ${key} is opened, expected only ${Object.keys(byPort)}`);
      }
    }
  }
  return policies.length;
}

// What each kubernetes_sd_configs role lists and watches (Prometheus's discovery/kubernetes).
const roleNeeds = {
  node: [["", "nodes"]],
  pod: [["", "pods"]],
  service: [["", "services"]],
  endpointslice: [["discovery.k8s.io", "endpointslices"], ["", "services"], ["", "pods"]],
  ingress: [["networking.k8s.io", "ingresses"]],
};

export function checkPrometheusDiscovery({ docs, workloads, idOf, fail }) {
  const deployment = workloads.find((w) => w.kind === "Deployment" && w.metadata.name === "prometheus");
  const config = docs.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("prometheus-config"));
  if (!deployment || !config) {
    fail("Prometheus", "no Deployment prometheus or ConfigMap prometheus-config");
    return;
  }
  const prometheus = parse(config.data["prometheus.yml"]);
  const roles = new Set((prometheus.scrape_configs ?? []).flatMap((j) => (j.kubernetes_sd_configs ?? []).map((sd) => sd.role)));
  if (roles.has("endpoints")) {
    fail(idOf(config), "a job discovers with role endpoints (deprecated with the Endpoints API): use role endpointslice");
  }
  const sa = deployment.spec.template.spec.serviceAccountName;
  const ns = deployment.metadata.namespace;
  const rules = docs.filter((b) => b.kind === "ClusterRoleBinding"
      && (b.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.name === sa && s.namespace === ns))
    .map((b) => docs.find((r) => r.kind === "ClusterRole" && r.metadata.name === b.roleRef.name))
    .flatMap((r) => r?.rules ?? []);
  const grants = (group, resource, verb) => rules.some((r) => (r.apiGroups ?? []).includes(group)
    && (r.resources ?? []).includes(resource) && ((r.verbs ?? []).includes(verb) || (r.verbs ?? []).includes("*")));
  for (const role of roles) {
    for (const [group, resource] of roleNeeds[role] ?? []) {
      for (const verb of ["list", "watch"]) {
        if (!grants(group, resource, verb)) {
          fail(`ServiceAccount ${ns}/${sa}`, `role ${role} needs ${verb} on ${group || "core"}/${resource}; no bound ClusterRole grants it`);
        }
      }
    }
  }
  return [...roles].sort();
}
