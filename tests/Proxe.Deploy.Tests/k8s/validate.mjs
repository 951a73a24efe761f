// Validates Kubernetes manifests against the API's JSON schemas: kubernetes-models (generated from the Kubernetes
// OpenAPI spec) for built-in kinds, @kubernetes-models/keda (generated from KEDA's CRDs) for ScaledObject and
// TriggerAuthentication. Usage: node validate.mjs FILE.yaml...  Prints one line per document; exits 1 on any error.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const packages = { "keda.sh": "@kubernetes-models/keda/keda.sh" };

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const module = group === null ? `kubernetes-models/${version}`
    : packages[group] ? `${packages[group]}/${version}` : `kubernetes-models/${group}/${version}`;
  try {
    const exported = await import(`${module}/${kind}`);
    return exported[kind];
  } catch {
    return undefined;
  }
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: YAML: ${doc.errors.map(e => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const manifest = doc.toJS();
    if (manifest === null) continue;
    const { apiVersion, kind } = manifest;
    const name = `${file} ${kind ?? "?"}/${manifest.metadata?.name ?? "?"}`;
    const Model = apiVersion && kind ? await modelFor(apiVersion, kind) : undefined;
    if (!Model) {
      console.log(`FAIL ${name}: no schema for apiVersion ${apiVersion} kind ${kind}`);
      failures++;
      continue;
    }
    try {
      new Model(manifest).validate();
      console.log(`ok   ${name} (${apiVersion})`);
    } catch (error) {
      console.log(`FAIL ${name}: ${error.message}`);
      failures++;
    }
  }
}
process.exit(failures ? 1 : 0);
