// House rules for rules/ that promtool does not enforce:
//  - every alerting rule has a severity label (critical, warning, info or none) and the annotations
//    summary, description and an https runbook_url;
//  - every rule file is in rules/kustomization.yaml, so that Kubernetes gets it too;
//  - every rule group has a unit test file (rules/tests/*.test.yml) that loads its rule file, and every
//    alert of the group is expected to fire in at least one of its test cases.
//
// Usage: node check-rules.mjs rules-dir
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const dir = process.argv[2];
const errors = [];
const severities = new Set(["critical", "warning", "info", "none"]);

const ruleFiles = readdirSync(dir).filter((f) => f.endsWith(".rules.yml")).sort();
const testsDir = path.join(dir, "tests");
const tests = readdirSync(testsDir).filter((f) => f.endsWith(".test.yml")).map((f) => ({
  file: f,
  doc: parse(readFileSync(path.join(testsDir, f), "utf8")),
}));

const kustomization = parse(readFileSync(path.join(dir, "kustomization.yaml"), "utf8"));
const packaged = new Set((kustomization.configMapGenerator ?? []).flatMap((g) => g.files ?? []));
for (const file of ruleFiles) {
  if (!packaged.has(file)) {
    errors.push(`${file}: not in ${path.join(dir, "kustomization.yaml")}, so Kubernetes would not load it`);
  }
}

let alerts = 0;
let groups = 0;
for (const file of ruleFiles) {
  const doc = parse(readFileSync(path.join(dir, file), "utf8"));
  // The test files that load this rule file, and the alerts they expect to fire.
  const covering = tests.filter((t) => (t.doc.rule_files ?? []).some((r) => path.basename(r) === file));
  const expected = new Set(covering.flatMap((t) => (t.doc.tests ?? []).flatMap((c) =>
    (c.alert_rule_test ?? []).filter((a) => (a.exp_alerts ?? []).length > 0).map((a) => a.alertname))));
  for (const group of doc.groups ?? []) {
    groups++;
    if (covering.length === 0) {
      errors.push(`${file}: group ${group.name} has no test file in ${testsDir}`);
    }
    for (const rule of group.rules ?? []) {
      if (!rule.alert) {
        continue;
      }
      alerts++;
      const where = `${file}: ${rule.alert}`;
      if (!severities.has(rule.labels?.severity)) {
        errors.push(`${where}: severity label must be one of ${[...severities].join(", ")}`);
      }
      for (const key of ["summary", "description", "runbook_url"]) {
        if (!rule.annotations?.[key]?.trim()) {
          errors.push(`${where}: no ${key} annotation`);
        }
      }
      if (rule.annotations?.runbook_url && !/^https:\/\/\S+$/.test(rule.annotations.runbook_url)) {
        errors.push(`${where}: runbook_url is not an https URL`);
      }
      if (!expected.has(rule.alert)) {
        errors.push(`${where}: no unit test expects it to fire`);
      }
    }
  }
}
if (ruleFiles.length === 0) {
  errors.push(`${dir}: no *.rules.yml`);
}
if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  process.exit(1);
}
console.log(`  ${alerts} alerts in ${groups} groups: severity, summary, description and runbook_url on each; each fires in a unit test`);
