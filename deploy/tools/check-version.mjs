// One version everywhere, and a runtime image that needs no shell.
//  - <Version> of Directory.Build.props is the Dockerfile's VERSION label, the image tag in docker-compose.yml,
//    deploy/kubernetes/kustomization.yaml and deploy/README.md, and a heading of CHANGELOG.md.
//  - The Dockerfile's runtime stage runs nothing at build time (no RUN: nothing a chiseled base lacks is used),
//    its base is chiseled by default (ARG RUNTIME_FLAVOR), its HEALTHCHECK and ENTRYPOINT are exec form without
//    a shell or curl, it carries the OCI labels, and the publish step is ReadyToRun.
//
// Usage: node check-version.mjs (from the repository root)
import { readFileSync, existsSync } from "node:fs";
import { parse } from "yaml";

const errors = [];
const read = (f) => readFileSync(f, "utf8");
const version = /<Version>([^<]+)<\/Version>/.exec(read("Directory.Build.props"))?.[1];
if (!version) {
  console.error("  Directory.Build.props: no <Version>");
  process.exit(1);
}

// Dockerfile: stages split at FROM, continuation lines joined.
const lines = read("Dockerfile").replace(/\\\n/g, " ").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
const stages = [];
for (const line of lines) {
  if (/^FROM\s/i.test(line)) {
    stages.push([]);
  }
  stages.at(-1)?.push(line.trim());
}
const build = stages.find((s) => / AS build$/i.test(s[0])) ?? [];
const runtime = stages.at(-1) ?? [];
const instr = (stage, name) => stage.filter((l) => l.toUpperCase().startsWith(`${name} `));
if (instr(runtime, "RUN").length > 0) {
  errors.push(`Dockerfile: the runtime stage has RUN (${instr(runtime, "RUN")[0].slice(0, 60)}…); a chiseled base has no shell`);
}
const flavor = /^ARG RUNTIME_FLAVOR=(\S+)/m.exec(read("Dockerfile"))?.[1];
if (!flavor?.endsWith("-chiseled")) {
  errors.push(`Dockerfile: ARG RUNTIME_FLAVOR=${flavor}; the default runtime base must be a chiseled one (no shell)`);
}
const execForm = (l, name) => {
  const m = new RegExp(`${name}\\s+(\\[.*\\])\\s*$`, "i").exec(l);
  return m ? JSON.parse(m[1]) : null;
};
const health = instr(runtime, "HEALTHCHECK")[0];
const healthCmd = health ? execForm(health, "CMD") : null;
if (!healthCmd) {
  errors.push("Dockerfile: HEALTHCHECK must be CMD [exec form]");
} else if (/(^|\/)(sh|bash|curl|wget)$/.test(healthCmd[0]) || !healthCmd.includes("healthcheck")) {
  errors.push(`Dockerfile: HEALTHCHECK runs ${healthCmd.join(" ")}, not alerting healthcheck`);
}
const entry = instr(runtime, "ENTRYPOINT")[0];
if (!entry || !execForm(entry, "ENTRYPOINT") || /(^|\/)(sh|bash)$/.test(execForm(entry, "ENTRYPOINT")[0])) {
  errors.push("Dockerfile: ENTRYPOINT must be exec form without a shell");
}
const labels = instr(runtime, "LABEL").join(" ");
for (const key of ["title", "description", "version", "revision", "created", "licenses"]) {
  if (!labels.includes(`org.opencontainers.image.${key}=`)) {
    errors.push(`Dockerfile: no LABEL org.opencontainers.image.${key}`);
  }
}
const versionArg = runtime.map((l) => /^ARG VERSION=(\S+)/.exec(l)?.[1]).find(Boolean);
if (versionArg !== version) {
  errors.push(`Dockerfile: ARG VERSION=${versionArg} in the runtime stage, Directory.Build.props says ${version}`);
}
if (!instr(build, "RUN").some((l) => l.includes("dotnet publish") && l.includes("-p:PublishReadyToRun=true"))) {
  errors.push("Dockerfile: the publish step is not -p:PublishReadyToRun=true");
}
const exampleTags = [...read("Dockerfile").matchAll(/\balerting:(\d[^\s"]*)/g)].map((m) => m[1]);
for (const tag of exampleTags.filter((t) => t !== version)) {
  errors.push(`Dockerfile: the example tag alerting:${tag} is not ${version}`);
}

// The image tags.
const compose = parse(read("docker-compose.yml"), { merge: true });
for (const [name, service] of Object.entries(compose.services ?? {})) {
  const image = service.image ?? "";
  if (service.build !== undefined && image.split(":")[1] !== version) {
    errors.push(`docker-compose.yml: service ${name} builds ${image}, not tag ${version}`);
  }
}
const kustomization = parse(read("deploy/kubernetes/kustomization.yaml"));
const alertingImage = (kustomization.images ?? []).find((i) => i.name === "alerting");
if (alertingImage?.newTag !== version) {
  errors.push(`deploy/kubernetes/kustomization.yaml: images alerting newTag ${alertingImage?.newTag}, not ${version}`);
}
for (const tag of [...read("deploy/README.md").matchAll(/alerting\/alerting:(\S+)/g)].map((m) => m[1])) {
  if (tag !== version) {
    errors.push(`deploy/README.md: alerting/alerting:${tag}, not ${version}`);
  }
}

// Release notes and licence.
if (!existsSync("CHANGELOG.md") || !new RegExp(`^## \\[?${version.replaceAll(".", "\\.")}\\]?`, "m").test(read("CHANGELOG.md"))) {
  errors.push(`CHANGELOG.md: no "## ${version}" heading`);
}
if (!existsSync("LICENSE") || !read("LICENSE").includes("Apache License") || !read("LICENSE").includes("Version 2.0, January 2004")) {
  errors.push("LICENSE: not the Apache License 2.0");
}

if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  process.exit(1);
}
console.log(`  version ${version}: Dockerfile label, compose and Kubernetes tags, deploy/README.md, CHANGELOG.md agree`);
console.log(`  runtime stage: no RUN, HEALTHCHECK ${healthCmd.join(" ")}, OCI labels, ReadyToRun publish`);
