// Validates every document of the given YAML files against the Kubernetes (and Prometheus Operator) schemas.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const kinds = {
  "v1/Secret": core.Secret, "v1/Service": core.Service, "v1/ConfigMap": core.ConfigMap,
  "apps/v1/Deployment": apps.Deployment, "monitoring.coreos.com/v1/ServiceMonitor": monitoring.ServiceMonitor,
};
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const key = `${doc.apiVersion}/${doc.kind}`;
    const Model = kinds[key];
    try {
      if (!Model) throw new Error(`no schema here for ${key}`);
      new Model(doc).validate();
      console.log(`valid ${file} ${key} ${doc.metadata.name}`);
    } catch (e) {
      failed++;
      console.log(`INVALID ${file} ${key}: ${e.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);
