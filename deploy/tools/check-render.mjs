// Runs the scripts that fill Alerting's ${...} placeholders at start, exactly as written in the rendered
// Kubernetes manifests (the init container) and in docker-compose.yml (the entrypoint, after Compose's
// $$ unescaping), with secrets full of characters that sed treats specially, and checks that the
// rendered config holds the secrets verbatim. The scripts and the rendered configs are left in out-dir
// for shellcheck and alerting check-config.
//
// Usage: node check-render.mjs rendered-k8s.yaml docker-compose.yml out-dir
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";

const [k8sFile, composeFile, outDir] = process.argv.slice(2);
const repo = path.resolve(path.dirname(composeFile));
const errors = [];
const secrets = {
  GRAFANA_WEBHOOK_TOKEN: String.raw`&t0k|en&with\back/slash$HOME #no-comment: x`,
  DINGTALK_SECRET: String.raw`SEC&|\1/$x"'`,
};

const alertingDeployment = parseAllDocuments(readFileSync(k8sFile, "utf8")).map((d) => d.toJS())
  .find((o) => o?.kind === "Deployment" && o.metadata.name === "alerting");
const init = alertingDeployment?.spec.template.spec.initContainers?.find((c) => c.name === "render-config");
const compose = parse(readFileSync(composeFile, "utf8"), { merge: true });

// The kubelet's expansion of $(VAR) in a container's command and args, which happens before the shell
// runs: $$ is a literal $, $(NAME) of a variable in the container's env is replaced, anything else stays.
function kubeletExpand(text, env) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "$" || i + 1 === text.length) {
      out += text[i];
    } else if (text[i + 1] === "$") {
      out += "$";
      i++;
    } else if (text[i + 1] === "(") {
      const close = text.indexOf(")", i + 2);
      if (close < 0) {
        out += "$(";
        i++;
        continue;
      }
      const name = text.slice(i + 2, close);
      out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += text[i] + text[i + 1];
      i++;
    }
  }
  return out;
}
const entrypoint = compose.services?.alerting?.entrypoint;

const cases = [
  {
    name: "kubernetes",
    script: init?.args?.[0] === undefined ? undefined
      : kubeletExpand(init.args[0], Object.fromEntries((init.env ?? []).map((e) => [e.name, secrets[e.name] ?? ""]))),
    config: path.join(repo, "deploy/kubernetes/alerting.yml"),
    from: "/etc/alerting/config/alerting.yml",
    // The init container only renders; Alerting starts in the next container.
    tail: null,
    env: new Set((init?.env ?? []).map((e) => e.name)),
  },
  {
    name: "compose",
    // Compose turns $$ into $ before the shell sees the script.
    script: entrypoint?.[2]?.replaceAll("$$", "$"),
    config: path.join(repo, "deploy/compose/alerting.yml"),
    from: "/etc/alerting/alerting.yml",
    tail: 'exec dotnet /app/alerting.dll "$@"',
    env: new Set(Object.keys(compose.services?.alerting?.environment ?? {})),
  },
];

mkdirSync(outDir, { recursive: true });
for (const c of cases) {
  if (!c.script) {
    errors.push(`${c.name}: no render script found`);
    continue;
  }
  writeFileSync(path.join(outDir, `render-${c.name}.sh`), `#!/bin/sh\nset -e\n${c.script}`);
  for (const name of Object.keys(secrets)) {
    if (!c.env.has(name)) {
      errors.push(`${c.name}: ${name} is not in the environment of the script`);
    }
  }
  const dir = path.join(outDir, c.name);
  mkdirSync(dir, { recursive: true });
  let script = c.script.replaceAll(c.from, c.config).replaceAll("/run/alerting/", `${dir}/`);
  if (c.tail) {
    if (!script.includes(c.tail)) {
      errors.push(`${c.name}: the script does not end by starting Alerting (${c.tail})`);
      continue;
    }
    script = script.replace(c.tail, "exit 0");
  }
  try {
    execFileSync("/bin/sh", ["-ec", script], { env: { PATH: process.env.PATH, ...secrets }, stdio: ["ignore", "inherit", "inherit"] });
  } catch (e) {
    errors.push(`${c.name}: the script failed: ${e.message}`);
    continue;
  }
  const renderedFile = path.join(dir, "alerting.yml");
  const rendered = parse(readFileSync(renderedFile, "utf8"));
  const token = rendered.server?.grafana?.sources?.find((s) => s.name === "grafana")?.bearer_token;
  const dingtalk = rendered.receivers?.flatMap((r) => r.dingtalk_configs ?? []).map((d) => d.secret);
  if (token !== secrets.GRAFANA_WEBHOOK_TOKEN) {
    errors.push(`${c.name}: bearer_token rendered as ${JSON.stringify(token)}`);
  }
  if (dingtalk.length === 0 || dingtalk.some((s) => s !== secrets.DINGTALK_SECRET)) {
    errors.push(`${c.name}: dingtalk secret rendered as ${JSON.stringify(dingtalk)}`);
  }
  if (/\$\{[A-Z][A-Z0-9_]*\}/.test(readFileSync(renderedFile, "utf8"))) {
    errors.push(`${c.name}: a placeholder is left in the rendered config`);
  }
  console.log(renderedFile);
}
if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  process.exit(1);
}
