// Every image of the stack is pinned to a version (no :latest, no bare name), the Dockerfile's base images
// too, and an image used both in docker-compose.yml and on Kubernetes has the same version in both.
//
// Usage: node check-images.mjs Dockerfile docker-compose.yml rendered-k8s.yaml...
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";

const [dockerfile, composeFile, ...k8sFiles] = process.argv.slice(2);
const errors = [];

// name[:tag][@digest] -> { name, tag }; docker.io/library/ is what a bare name means.
function split(image) {
  const [withoutDigest, digest] = image.split("@");
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  let name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : null;
  if (!name.includes("/")) {
    name = `docker.io/library/${name}`;
  } else if (!name.split("/")[0].includes(".")) {
    name = `docker.io/${name}`;
  }
  return { name, tag, digest };
}
const pinned = ({ tag, digest }) => Boolean(digest) || (tag !== null && tag !== "latest" && /\d/.test(tag));

// The Dockerfile: FROM lines, with ARG defaults substituted.
const args = new Map();
const dockerImages = [];
for (const line of readFileSync(dockerfile, "utf8").split("\n")) {
  const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
  if (arg) {
    args.set(arg[1], arg[2]);
  }
  const from = /^FROM\s+(\S+)/i.exec(line);
  if (from) {
    dockerImages.push(from[1].replace(/\$\{?(\w+)\}?/g, (_, n) => args.get(n) ?? `<${n} has no default>`));
  }
}

const compose = parse(readFileSync(composeFile, "utf8"), { merge: true });
const composeImages = new Map(Object.entries(compose.services ?? {}).filter(([, s]) => s.image).map(([n, s]) => [n, s.image]));
const k8sImages = new Set();
for (const file of k8sFiles) {
  for (const o of parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS())) {
    const spec = o?.spec?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      k8sImages.add(c.image);
    }
  }
}

for (const image of dockerImages) {
  if (!pinned(split(image))) {
    errors.push(`Dockerfile: FROM ${image} is not pinned`);
  }
}
for (const [service, image] of composeImages) {
  if (!pinned(split(image))) {
    errors.push(`docker-compose.yml: service ${service}: image ${image} is not pinned`);
  }
}
for (const image of k8sImages) {
  if (!pinned(split(image))) {
    errors.push(`kubernetes: image ${image} is not pinned`);
  }
}
const k8sTags = new Map([...k8sImages].map((i) => [split(i).name, split(i).tag]));
let shared = 0;
for (const image of composeImages.values()) {
  const { name, tag } = split(image);
  if (k8sTags.has(name)) {
    shared++;
    if (k8sTags.get(name) !== tag) {
      errors.push(`${name}: ${tag} in docker-compose.yml but ${k8sTags.get(name)} on Kubernetes`);
    }
  }
}
if (errors.length > 0) {
  for (const e of errors) {
    console.error(`  ${e}`);
  }
  process.exit(1);
}
console.log(`  pinned: ${dockerImages.length} Dockerfile base images, ${composeImages.size} compose images, ${k8sImages.size} Kubernetes images; ${shared} shared with the same version`);
for (const image of [...new Set([...dockerImages, ...composeImages.values(), ...k8sImages])].sort()) {
  console.log(`    ${image}`);
}
