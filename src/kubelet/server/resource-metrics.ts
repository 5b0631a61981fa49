// The kubelet's resource metrics (GET /metrics/resource), which metrics-server scrapes:
// the node's, each pod's and each container's cumulative CPU seconds and memory working
// set, in the Prometheus text format, rendered from the same samples as /stats/summary.

import type { Summary } from './stats-summary.js';

function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${labelValue(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

const ms = (rfc3339: string) => Date.parse(rfc3339);

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels: Record<string, string>; value: number; time?: string }[];
}

export function renderResourceMetrics(s: Summary, scrapeError = false): string {
  const containers = s.pods.flatMap((p) => p.containers.map((c) => ({ p, c, l: { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name } })));
  const pod = (p: Summary['pods'][number]) => ({ namespace: p.podRef.namespace, pod: p.podRef.name });
  const families: Family[] = [
    { name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the container in core-seconds', type: 'counter', samples: containers.map(({ c, l }) => ({ labels: l, value: c.cpu.usageCoreNanoSeconds / 1e9, time: c.cpu.time })) },
    { name: 'container_memory_working_set_bytes', help: 'Current working set of the container in bytes', type: 'gauge', samples: containers.map(({ c, l }) => ({ labels: l, value: c.memory.workingSetBytes, time: c.memory.time })) },
    { name: 'container_start_time_seconds', help: 'Start time of the container since unix epoch in seconds', type: 'gauge', samples: containers.map(({ c, l }) => ({ labels: l, value: ms(c.startTime) / 1000 })) },
    { name: 'node_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the node in core-seconds', type: 'counter', samples: [{ labels: {}, value: s.node.cpu.usageCoreNanoSeconds / 1e9, time: s.node.cpu.time }] },
    { name: 'node_memory_working_set_bytes', help: 'Current working set of the node in bytes', type: 'gauge', samples: [{ labels: {}, value: s.node.memory.workingSetBytes, time: s.node.memory.time }] },
    { name: 'pod_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the pod in core-seconds', type: 'counter', samples: s.pods.map((p) => ({ labels: pod(p), value: p.cpu.usageCoreNanoSeconds / 1e9, time: p.cpu.time })) },
    { name: 'pod_memory_working_set_bytes', help: 'Current working set of the pod in bytes', type: 'gauge', samples: s.pods.map((p) => ({ labels: pod(p), value: p.memory.workingSetBytes, time: p.memory.time })) },
    { name: 'resource_scrape_error', help: '1 if there was an error while getting container metrics, 0 otherwise', type: 'gauge', samples: [{ labels: {}, value: scrapeError ? 1 : 0 }] },
  ];
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} [STABLE] ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const x of f.samples) out.push(`${f.name}${labels(x.labels)} ${x.value}${x.time ? ` ${ms(x.time)}` : ''}`);
  }
  return out.join('\n') + '\n';
}
