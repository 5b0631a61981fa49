import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderResourceMetrics } from './resource-metrics.js';
import type { Summary } from './stats-summary.js';

const t0 = '2026-12-01T10:00:00Z';
const summary: Summary = {
  node: { nodeName: 'n1', startTime: t0, cpu: { time: t0, usageNanoCores: 5, usageCoreNanoSeconds: 2_500_000_000 }, memory: { time: t0, usageBytes: 9, workingSetBytes: 4096 } },
  pods: [{
    podRef: { name: 'web', namespace: 'default', uid: 'u1' },
    startTime: t0,
    containers: [{ name: 'app"x', startTime: t0, cpu: { time: t0, usageCoreNanoSeconds: 1_000_000_000 }, memory: { time: t0, usageBytes: 20, workingSetBytes: 10 } }],
    cpu: { time: t0, usageCoreNanoSeconds: 1_000_000_000 },
    memory: { time: t0, usageBytes: 20, workingSetBytes: 10 },
  }],
};

test('resource metrics in the Prometheus text format, as metrics-server reads them', () => {
  const text = renderResourceMetrics(summary);
  const ms = Date.parse(t0);
  assert.ok(text.endsWith('\n'));
  assert.match(text, /^# HELP container_cpu_usage_seconds_total \[STABLE\] /m);
  assert.match(text, /^# TYPE container_cpu_usage_seconds_total counter$/m);
  assert.ok(text.includes(`container_cpu_usage_seconds_total{container="app\\"x",namespace="default",pod="web"} 1 ${ms}\n`), text);
  assert.ok(text.includes(`container_memory_working_set_bytes{container="app\\"x",namespace="default",pod="web"} 10 ${ms}\n`));
  assert.ok(text.includes(`container_start_time_seconds{container="app\\"x",namespace="default",pod="web"} ${ms / 1000}\n`));
  assert.ok(text.includes(`node_cpu_usage_seconds_total 2.5 ${ms}\n`));
  assert.ok(text.includes(`node_memory_working_set_bytes 4096 ${ms}\n`));
  assert.ok(text.includes(`pod_cpu_usage_seconds_total{namespace="default",pod="web"} 1 ${ms}\n`));
  assert.ok(text.includes(`pod_memory_working_set_bytes{namespace="default",pod="web"} 10 ${ms}\n`));
  assert.match(text, /^resource_scrape_error 0$/m);
  assert.match(renderResourceMetrics(summary, true), /^resource_scrape_error 1$/m);
});
