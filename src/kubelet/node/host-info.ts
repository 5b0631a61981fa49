// What the node is made of, read from the host: /proc for CPUs, memory and processes,
// statfs for the data directory's filesystem, /etc for the machine's identity. The
// parsers are pure so tests can feed them text; `readHostInfo` takes its roots as
// options so a test can point it at a fake /proc.

import { readFile, statfs } from 'node:fs/promises';
import { availableParallelism, networkInterfaces, release } from 'node:os';
import { join } from 'node:path';

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
}

export interface FsInfo {
  capacityBytes: number;
  availableBytes: number;
}

export interface PidInfo {
  /** kernel.pid_max. */
  max: number;
  /** Processes (threads included, as the kernel counts pids) running now. */
  running: number;
}

export interface HostInfo {
  cpuCores: number;
  memory: MemInfo;
  fs: FsInfo;
  pids: PidInfo;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
}

export interface HostInfoOptions {
  /** Directory whose filesystem holds pods' data (ephemeral-storage). */
  dataDir: string;
  /** Default '/proc'. */
  procDir?: string;
  /** Default '/etc'. */
  etcDir?: string;
  /** Default '/sys'. */
  sysDir?: string;
}

export class HostInfoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostInfoError';
  }
}

/** /proc/meminfo: values are in kB (really KiB). MemAvailable falls back to MemFree on old kernels. */
export function parseMeminfo(text: string): MemInfo {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) fields.set(m[1], Number(m[2]) * 1024);
  }
  const total = fields.get('MemTotal');
  if (total === undefined) throw new HostInfoError('meminfo has no MemTotal');
  return { totalBytes: total, availableBytes: fields.get('MemAvailable') ?? fields.get('MemFree') ?? 0 };
}

/** /etc/os-release's PRETTY_NAME (quoted or not), or a generic name. */
export function parseOsRelease(text: string): string {
  for (const line of text.split('\n')) {
    const m = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (m) return m[1].replace(/^["']|["']$/g, '');
  }
  return 'Linux';
}

/** /proc/loadavg's fourth field is "running/total" scheduling entities: the pids in use. */
export function parseLoadavgPids(text: string): number {
  const m = /\s\d+\/(\d+)\s/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readFsInfo(dir: string): Promise<FsInfo> {
  const s = await statfs(dir);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
}

export async function readHostInfo(opts: HostInfoOptions): Promise<HostInfo> {
  const proc = opts.procDir ?? '/proc';
  const etc = opts.etcDir ?? '/etc';
  const sys = opts.sysDir ?? '/sys';
  const meminfo = await readText(join(proc, 'meminfo'));
  if (meminfo === undefined) throw new HostInfoError(`cannot read ${join(proc, 'meminfo')}`);
  const machineID = (await readText(join(etc, 'machine-id')))?.trim() ?? '';
  const bootID = (await readText(join(proc, 'sys/kernel/random/boot_id')))?.trim() ?? '';
  // product_uuid needs root on most machines and is absent in containers: fall back to
  // the machine id, as a kubelet on such a host reports something stable.
  const systemUUID = (await readText(join(sys, 'class/dmi/id/product_uuid')))?.trim() || machineID;
  const pidMax = Number((await readText(join(proc, 'sys/kernel/pid_max')))?.trim() ?? '32768');
  return {
    cpuCores: availableParallelism(),
    memory: parseMeminfo(meminfo),
    fs: await readFsInfo(opts.dataDir),
    pids: { max: Number.isFinite(pidMax) ? pidMax : 32768, running: parseLoadavgPids((await readText(join(proc, 'loadavg'))) ?? '') },
    machineID,
    systemUUID,
    bootID,
    kernelVersion: (await readText(join(proc, 'sys/kernel/osrelease')))?.trim() || release(),
    osImage: parseOsRelease((await readText(join(etc, 'os-release'))) ?? ''),
  };
}

/** The first non-internal IPv4 address of the host, or 127.0.0.1 on a machine with none. */
export function primaryIPv4(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
