// The Kubernetes manifests, without a cluster: every kustomization renders
// with `kubectl kustomize` (Debian's kubernetes-client has it), and every
// rendered object validates against the Kubernetes API schemas (npm
// kubernetes-models; the Prometheus Operator's for the scrape objects). Then
// the wiring a cluster would only reveal at run time: probes on ports the
// containers declare, Services and budgets that select pods, autoscalers
// capped at the partition count, the entry point's apps, known settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { parseConfigText } from '@mcpg/gateway';
import { loadConfig, planCatalogue, retentionSettings } from '@mcpg/config';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../..', import.meta.url).pathname;

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML, checked field by field below */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> };

function render(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', join(here, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) assert.fail(`kubectl is not installed (apt-get install kubernetes-client): ${r.error.message}`);
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject).filter(Boolean);
}

/** The model class of an object, from its apiVersion and kind. */
async function modelOf(o: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const mod = group === 'monitoring.coreos.com'
    ? await import(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`)
    : await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const model = (mod as Record<string, unknown>)[o.kind];
  assert.ok(typeof model === 'function', `no schema for ${o.apiVersion} ${o.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

const overlays = readdirSync(join(here, 'overlays'));
const kustomizations = ['base', 'monitoring', ...overlays.map((o) => `overlays/${o}`)];
const rendered = new Map(kustomizations.map((k) => [k, render(k)]));
const entrypointApps = /^apps="([^"]+)"/m.exec(readFileSync(join(root, 'infra/docker/entrypoint.sh'), 'utf8'))![1]!.split(' ');
/** Every setting an app reads: the README's configuration table plus each lib's settings files. */
const knownSettings = (() => {
  const names = new Set(['MCPG_REQUIRED_ENV', 'MCPG_HOME']); // the image's entry point
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const m of readme.matchAll(/^\| `(MCPG_[A-Z0-9_]+)`/gm)) names.add(m[1]!);
  for (const lib of readdirSync(join(root, 'libs'))) {
    const file = join(root, 'libs', lib, 'src', 'settings.ts');
    try {
      for (const m of readFileSync(file, 'utf8').matchAll(/env: '(MCPG_[A-Z0-9_]+)'/g)) names.add(m[1]!);
    } catch {
      // this lib has no settings file
    }
  }
  return names;
})();

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const podLabels = (d: K8sObject) => d.spec.template.metadata.labels as Record<string, string>;
const containers = (d: K8sObject) => d.spec.template.spec.containers as any[];

for (const [name, objects] of rendered) {
  test(`${name}: kubectl kustomize renders it and every object validates against its API schema`, async () => {
    assert.ok(objects.length > 0);
    for (const o of objects) {
      const Model = await modelOf(o);
      assert.doesNotThrow(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`);
    }
  });
}

for (const name of ['base', ...overlays.map((o) => `overlays/${o}`)]) {
  const objects = rendered.get(name)!;
  const deployments = ofKind(objects, 'Deployment');

  test(`${name}: a Deployment for the gateway, both workers and the query API, each running an app of the image`, () => {
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), ['mcpg-gateway', 'mcpg-ledger-worker', 'mcpg-query-api', 'mcpg-rollup-worker']);
    for (const d of deployments) {
      for (const c of containers(d)) {
        assert.ok(entrypointApps.includes(c.args[0]), `${d.metadata.name}: ${c.args[0]} is not an app of the entry point`);
        assert.equal(`mcpg-${c.args[0]}`, d.metadata.name);
      }
    }
  });

  test(`${name}: every container has requests and limits, runs as non-root with a read-only root and writable /tmp`, () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, d.metadata.name);
      for (const c of containers(d)) {
        for (const r of ['cpu', 'memory']) {
          assert.ok(c.resources?.requests?.[r] && c.resources?.limits?.[r], `${d.metadata.name}: ${r} request and limit`);
        }
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.ok(c.volumeMounts.some((m: any) => m.mountPath === '/tmp'), `${d.metadata.name}: /tmp must be writable (tsx compiles there)`);
        const heap = /--max-old-space-size=(\d+)/.exec(c.env.find((e: any) => e.name === 'NODE_OPTIONS')?.value ?? '');
        assert.ok(heap, `${d.metadata.name}: NODE_OPTIONS caps the heap`);
        assert.ok(Number(heap[1]) * 1024 * 1024 < toBytes(c.resources.limits.memory), `${d.metadata.name}: heap cap below the memory limit`);
      }
    }
  });

  test(`${name}: probes read /healthz and /readyz where the app serves them, on ports the container declares`, () => {
    const api = containers(deployments.find((d) => d.metadata.name === 'mcpg-query-api')!)[0];
    assert.equal(api.livenessProbe.httpGet.path, '/healthz');
    assert.equal(api.readinessProbe.httpGet.path, '/readyz');
    // The API's probes go to its health listener, on the port it is told to serve them on.
    const apiEnv = Object.fromEntries(api.env.map((e: any) => [e.name, e.value]));
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.equal(api[probe].httpGet.port, 'health', probe);
    assert.equal(apiEnv.MCPG_API_HEALTH_LISTEN, `0.0.0.0:${api.ports.find((p: any) => p.name === 'health').containerPort}`);
    const gateway = containers(deployments.find((d) => d.metadata.name === 'mcpg-gateway')!)[0];
    assert.equal(gateway.livenessProbe.httpGet.path, '/healthz');
    assert.equal(gateway.readinessProbe.httpGet.path, '/readyz');
    assert.equal(gateway.readinessProbe.httpGet.port, 'metrics');
    for (const d of deployments) {
      for (const c of containers(d)) {
        const ports = new Set((c.ports ?? []).flatMap((p: any) => [p.name, p.containerPort]));
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const p = c[probe];
          if (!p) continue;
          const port = p.httpGet?.port ?? p.tcpSocket?.port;
          assert.ok(ports.has(port), `${d.metadata.name} ${probe} uses port ${port}, which the container does not declare`);
        }
        if (d.metadata.name.endsWith('-worker')) {
          assert.equal(c.livenessProbe.httpGet.path, '/healthz', d.metadata.name);
          assert.equal(c.readinessProbe.httpGet.path, '/readyz', d.metadata.name);
          // The probed port is the one the worker is told to serve on, on all interfaces.
          const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
          assert.equal(Number(env.MCPG_WORKER_HTTP_PORT), c.ports.find((p: any) => p.name === c.readinessProbe.httpGet.port).containerPort, d.metadata.name);
          assert.equal(env.MCPG_WORKER_HTTP_HOST, '0.0.0.0', d.metadata.name);
        }
      }
    }
  });

  test(`${name}: Services and PodDisruptionBudgets select the pods they are for`, () => {
    for (const s of ofKind(objects, 'Service')) {
      const targets = deployments.filter((d) => matches(s.spec.selector, podLabels(d)));
      assert.equal(targets.length, 1, `Service ${s.metadata.name} selects ${targets.length} Deployments`);
      const ports = new Set(containers(targets[0]!).flatMap((c) => (c.ports ?? []).map((p: any) => p.name)));
      for (const p of s.spec.ports) assert.ok(ports.has(p.targetPort), `Service ${s.metadata.name}: no container port ${p.targetPort}`);
    }
    for (const d of deployments) {
      const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) => matches(p.spec.selector.matchLabels, podLabels(d)));
      assert.equal(pdbs.length, 1, `${d.metadata.name} has ${pdbs.length} PodDisruptionBudgets`);
    }
  });

  test(`${name}: every app gets the retention plan settings from the shared ConfigMap, and they load`, () => {
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('mcpg-config'))!;
    const keys = ['MCPG_RETENTION_PLANS', 'MCPG_ORG_PLANS', 'MCPG_DEFAULT_PLAN'];
    for (const k of keys) assert.ok(k in config.data!, `the ConfigMap sets no ${k}`);
    const catalogue = planCatalogue(loadConfig(retentionSettings, { env: Object.fromEntries(keys.map((k) => [k, String(config.data![k])])), argv: [] }));
    assert.ok(catalogue.plans.has(catalogue.defaultPlan.name));
    for (const d of deployments.filter((x) => x.metadata.name !== 'mcpg-gateway')) {
      for (const c of containers(d)) assert.ok((c.envFrom ?? []).some((f: any) => f.configMapRef?.name === config.metadata.name), `${d.metadata.name} does not read ${config.metadata.name}`);
    }
  });

  test(`${name}: the workers autoscale, never past the partition count`, () => {
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('mcpg-config'))!;
    const partitions = Number(config.data!.MCPG_KAFKA_PARTITIONS);
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    assert.deepEqual(hpas.map((h) => h.spec.scaleTargetRef.name).sort(), ['mcpg-ledger-worker', 'mcpg-rollup-worker']);
    for (const h of hpas) {
      assert.equal(h.spec.maxReplicas, partitions, `${h.metadata.name}: maxReplicas must equal MCPG_KAFKA_PARTITIONS (${partitions})`);
      const target = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name)!;
      assert.equal(target.spec.replicas, undefined, `${target.metadata.name}: the autoscaler owns replicas`);
    }
  });

  test(`${name}: config comes from the rendered ConfigMaps and named Secrets; every variable is a real setting`, () => {
    const configMaps = new Set(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name));
    const secrets = new Set<string>();
    for (const c of ofKind(objects, 'ConfigMap')) for (const k of Object.keys(c.data ?? {})) if (k.startsWith('MCPG_')) assert.ok(knownSettings.has(k), `ConfigMap ${c.metadata.name}: ${k} is no setting`);
    for (const d of deployments) {
      for (const c of containers(d)) {
        for (const e of c.env ?? []) {
          if (e.name.startsWith('MCPG_')) assert.ok(knownSettings.has(e.name), `${d.metadata.name}: ${e.name} is no setting`);
          assert.ok(!/PASSWORD|SECRET|KEYS?$/.test(e.name) || e.valueFrom?.secretKeyRef, `${d.metadata.name}: ${e.name} must come from a Secret`);
          if (e.valueFrom?.configMapKeyRef) assert.ok(configMaps.has(e.valueFrom.configMapKeyRef.name), e.valueFrom.configMapKeyRef.name);
          if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
        }
        for (const f of c.envFrom ?? []) assert.ok(configMaps.has(f.configMapRef.name), f.configMapRef.name);
      }
      for (const v of d.spec.template.spec.volumes ?? []) {
        if (v.configMap) assert.ok(configMaps.has(v.configMap.name), v.configMap.name);
        if (v.secret) secrets.add(v.secret.secretName);
      }
    }
    // The Secrets an operator creates (infra/k8s/README.md lists the same).
    assert.deepEqual([...secrets].sort(), ['mcpg-api', 'mcpg-clickhouse', 'mcpg-ledger-signing-key']);
    const readme = readFileSync(join(here, 'README.md'), 'utf8');
    for (const s of secrets) assert.ok(readme.includes(`kubectl create secret generic ${s}`), `README.md does not say how to create ${s}`);
    // The ledger key is a mounted file, never an environment value.
    const ledger = containers(deployments.find((d) => d.metadata.name === 'mcpg-ledger-worker')!)[0];
    assert.ok(!ledger.env.some((e: any) => e.name === 'MCPG_LEDGER_KEY'));
    assert.ok(ledger.volumeMounts.some((m: any) => ledger.env.find((e: any) => e.name === 'MCPG_LEDGER_KEY_FILE').value.startsWith(m.mountPath + '/')));
  });

  test(`${name}: the gateway's configuration file is valid and points at the same broker as the apps`, () => {
    const cm = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('mcpg-gateway-config'))!;
    const config = parseConfigText(cm.data!['gateway.yaml']!, 'gateway.yaml');
    const apps = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('mcpg-config'))!;
    assert.deepEqual(config.kafka.brokers, apps.data!.MCPG_KAFKA_BROKERS!.split(','));
    const gateway = containers(deployments.find((d) => d.metadata.name === 'mcpg-gateway')!)[0];
    const ports = Object.fromEntries(gateway.ports.map((p: any) => [p.name, p.containerPort]));
    assert.equal(config.listen.port, ports.mcp);
    assert.equal(config.metrics.port, ports.metrics);
    assert.equal(config.listen.host, '0.0.0.0');
  });
}

test('the base ships the same gateway configuration docker-compose mounts', () => {
  assert.equal(readFileSync(join(here, 'base/files/gateway.yaml'), 'utf8'), readFileSync(join(root, 'infra/gateway/gateway.yaml'), 'utf8'));
});

test('the scrape objects: the fleet endpoint once through the Service, as the shipped Prometheus job; gateways and workers per pod', () => {
  const objects = rendered.get('monitoring')!;
  const prom = parse(readFileSync(join(root, 'infra/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; metrics_path: string; params: unknown }[] };
  const job = prom.scrape_configs.find((j) => j.job_name === 'mcpg-fleet')!;
  const fleet = objects.find((o) => o.kind === 'ScrapeConfig')!;
  assert.equal(fleet.spec.metricsPath, job.metrics_path);
  assert.deepEqual(fleet.spec.params, job.params);
  const base = rendered.get('base')!;
  const api = base.find((o) => o.kind === 'Service' && o.metadata.name === 'mcpg-query-api')!;
  assert.deepEqual(fleet.spec.staticConfigs[0].targets, [`${api.metadata.name}.mcpg.svc:${api.spec.ports[0].port}`]);
  const gateway = objects.find((o) => o.kind === 'ServiceMonitor')!;
  const gatewayService = base.find((o) => o.kind === 'Service' && matches(gateway.spec.selector.matchLabels, o.metadata.labels))!;
  assert.equal(gatewayService.metadata.name, 'mcpg-gateway');
  assert.ok(gatewayService.spec.ports.some((p: any) => p.name === gateway.spec.endpoints[0].port));
  // Workers per pod, on the port their probes use.
  const workers = objects.find((o) => o.kind === 'PodMonitor')!;
  const selected = ofKind(base, 'Deployment').filter((d) => workers.spec.selector.matchExpressions[0].values.includes(podLabels(d)['app.kubernetes.io/component']));
  assert.deepEqual(selected.map((d) => d.metadata.name).sort(), ['mcpg-ledger-worker', 'mcpg-rollup-worker']);
  for (const d of selected) assert.ok(containers(d)[0].ports.some((p: any) => p.name === workers.spec.podMetricsEndpoints[0].port), d.metadata.name);
});

test('the example overlay puts everything in its namespace and the image from its registry', () => {
  const objects = rendered.get('overlays/example')!;
  for (const o of objects) if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, 'mcpg', `${o.kind}/${o.metadata.name}`);
  for (const d of ofKind(objects, 'Deployment')) for (const c of containers(d)) assert.equal(c.image, 'registry.example.com/platform/mcpg:0.1.0');
});

test('the alert rules wrapped as README.md shows make a valid PrometheusRule with every rule', async () => {
  const rules = readFileSync(join(root, 'infra/prometheus/rules/mcpg.rules.yml'), 'utf8');
  // What the README's printf + sed pipeline writes.
  const text = 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: mcpg\nspec:\n' + rules.replace(/^/gm, '  ');
  const object = parse(text) as K8sObject;
  const Model = await modelOf(object);
  new Model(object).validate();
  const alerts = object.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
  assert.deepEqual(alerts, (parse(rules) as any).groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)));
  assert.ok(alerts.length >= 5);
  const readme = readFileSync(join(here, 'README.md'), 'utf8');
  assert.ok(readme.includes(`sed 's/^/  /' infra/prometheus/rules/mcpg.rules.yml`));
});

function toBytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity)!;
  return Number(m[1]) * ({ Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ''] ?? 1);
}
