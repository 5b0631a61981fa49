// The kubelet's stats summary (GET /stats/summary, the stats/v1alpha1 Summary that
// `kubectl get --raw /api/v1/nodes/N/proxy/stats/summary` shows): the node's CPU and
// memory from /proc, each running container's from the runtime's container stats
// (its cgroup), and per pod the sum of its containers. usageNanoCores is a rate, so it
// needs two samples: the provider keeps the previous one, and on the first request
// takes a second a moment after the first.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nowNs as clockNs, type ContainerStats, type RuntimeService } from '../../runtime/cri.js';
import { L_CONTAINER_NAME, L_POD_NAME, L_POD_NAMESPACE, L_POD_UID } from '../labels.js';

export interface CpuStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds: number }
export interface MemoryStats { time: string; availableBytes?: number; usageBytes: number; workingSetBytes: number }
export interface ContainerSummary { name: string; startTime: string; cpu: CpuStats; memory: MemoryStats }
export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerSummary[];
  cpu: CpuStats;
  memory: MemoryStats;
}
export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: PodSummary[];
}

export interface StatsSummaryOptions {
  runtime: Pick<RuntimeService, 'listContainers' | 'listContainerStats'>;
  nodeName: string;
  /** Default '/proc'. */
  procDir?: string;
  /** The wait between the two samples of a first request, ms. Default 100. */
  firstSampleGapMs?: number;
}

interface Sample { atNs: number; cpuNs: number }

/** Cumulative CPU of the whole node, in ns: /proc/stat's first line less idle and iowait (USER_HZ is 100). */
export function parseProcStatCpu(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is inside user already)
  const busy = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0) - (f[3] || 0) - (f[4] || 0);
  return busy * 10_000_000;
}

/** MemTotal, MemFree and MemAvailable of /proc/meminfo, in bytes. */
export function parseMeminfoBytes(text: string): { total: number; free: number; available: number } {
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { total: kb('MemTotal'), free: kb('MemFree'), available: kb('MemAvailable') };
}

const rfc3339 = (ns: number) => new Date(Math.floor(ns / 1e6)).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The rate between two cumulative samples, in nano-cores (1e9 = one core busy). */
export function nanoCores(prev: Sample | undefined, cur: Sample): number | undefined {
  if (!prev || cur.atNs <= prev.atNs || cur.cpuNs < prev.cpuNs) return undefined;
  return Math.round(((cur.cpuNs - prev.cpuNs) / (cur.atNs - prev.atNs)) * 1e9);
}

export class StatsSummaryProvider {
  private readonly proc: string;
  private readonly previous = new Map<string, Sample>();

  constructor(private readonly opts: StatsSummaryOptions) {
    this.proc = opts.procDir ?? '/proc';
  }

  async summary(): Promise<Summary> {
    if (!this.previous.has('node')) {
      await this.sample();
      await new Promise((r) => setTimeout(r, this.opts.firstSampleGapMs ?? 100));
    }
    return this.sample();
  }

  private rate(key: string, cur: Sample, seen: Set<string>): number | undefined {
    seen.add(key);
    const r = nanoCores(this.previous.get(key), cur);
    this.previous.set(key, cur);
    return r;
  }

  private async sample(): Promise<Summary> {
    const [stat, meminfo, uptime, containers, stats] = await Promise.all([
      readFile(join(this.proc, 'stat'), 'utf8'),
      readFile(join(this.proc, 'meminfo'), 'utf8'),
      readFile(join(this.proc, 'uptime'), 'utf8'),
      this.opts.runtime.listContainers({ state: 'CONTAINER_RUNNING' }),
      this.opts.runtime.listContainerStats(),
    ]);
    const nowNs = clockNs();
    const seen = new Set<string>();
    const nodeCpu = { atNs: nowNs, cpuNs: parseProcStatCpu(stat) };
    const mem = parseMeminfoBytes(meminfo);
    const bootNs = nowNs - Number(uptime.split(/\s+/)[0]) * 1e9;
    const node = {
      nodeName: this.opts.nodeName,
      startTime: rfc3339(bootNs),
      cpu: { time: rfc3339(nowNs), usageNanoCores: this.rate('node', nodeCpu, seen), usageCoreNanoSeconds: nodeCpu.cpuNs },
      // The working set as the kubelet counts it: what the kernel could not hand back.
      memory: { time: rfc3339(nowNs), availableBytes: mem.available, usageBytes: mem.total - mem.free, workingSetBytes: mem.total - mem.available },
    };
    const createdAt = new Map(containers.map((c) => [c.id, c.createdAt]));
    const pods = new Map<string, PodSummary>();
    for (const s of stats) {
      const pod = this.podOf(s, pods, createdAt.get(s.attributes.id) ?? nowNs);
      if (!pod) continue;
      const c = this.containerSummary(s, createdAt.get(s.attributes.id) ?? nowNs, seen);
      pod.containers.push(c);
      pod.cpu.usageCoreNanoSeconds += c.cpu.usageCoreNanoSeconds;
      pod.memory.usageBytes += c.memory.usageBytes;
      pod.memory.workingSetBytes += c.memory.workingSetBytes;
    }
    for (const [uid, p] of pods) {
      p.cpu.usageNanoCores = this.rate(`pod/${uid}`, { atNs: nowNs, cpuNs: p.cpu.usageCoreNanoSeconds }, seen);
      p.containers.sort((a, b) => a.name.localeCompare(b.name));
    }
    // Samples of containers and pods that are gone would only grow the map.
    for (const k of [...this.previous.keys()]) if (!seen.has(k)) this.previous.delete(k);
    const list = [...pods.values()].sort((a, b) => `${a.podRef.namespace}/${a.podRef.name}`.localeCompare(`${b.podRef.namespace}/${b.podRef.name}`));
    return { node, pods: list };
  }

  private podOf(s: ContainerStats, pods: Map<string, PodSummary>, startNs: number): PodSummary | undefined {
    const l = s.attributes.labels;
    const uid = l[L_POD_UID];
    if (!uid) return undefined;
    let pod = pods.get(uid);
    if (!pod) {
      const t = rfc3339(s.cpu.timestamp);
      pod = {
        podRef: { name: l[L_POD_NAME] ?? '', namespace: l[L_POD_NAMESPACE] ?? '', uid },
        startTime: rfc3339(startNs),
        containers: [],
        cpu: { time: t, usageCoreNanoSeconds: 0 },
        memory: { time: t, usageBytes: 0, workingSetBytes: 0 },
      };
      pods.set(uid, pod);
    }
    // A pod started when its first container did.
    if (rfc3339(startNs) < pod.startTime) pod.startTime = rfc3339(startNs);
    return pod;
  }

  private containerSummary(s: ContainerStats, startNs: number, seen: Set<string>): ContainerSummary {
    const cpu = { atNs: s.cpu.timestamp, cpuNs: s.cpu.usageCoreNanoSeconds };
    return {
      name: s.attributes.labels[L_CONTAINER_NAME] ?? s.attributes.metadata.name,
      startTime: rfc3339(startNs),
      cpu: { time: rfc3339(s.cpu.timestamp), usageNanoCores: this.rate(`container/${s.attributes.id}`, cpu, seen), usageCoreNanoSeconds: s.cpu.usageCoreNanoSeconds },
      memory: { time: rfc3339(s.memory.timestamp), usageBytes: s.memory.usageBytes, workingSetBytes: s.memory.workingSetBytes },
    };
  }
}
