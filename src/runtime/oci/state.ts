// The runtime's memory on disk: one JSON file per sandbox and per container, written
// atomically (temp file + rename), so a runtime process killed at any moment and started
// again finds every object as it was. Running processes are found through conmon, which
// outlives us; exits through conmon's exit files.

import { linkSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerMetadata, ContainerState, Labels, Mount, PodSandboxConfig, PodSandboxMetadata, PodSandboxState } from '../cri.js';

export interface SandboxRecord {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
  config: PodSandboxConfig;
  hostname: string;
  /** Empty with hostNetwork. */
  netnsPath: string;
  ipcPath: string;
  utsPath: string;
  shmPath: string;
  logDirectory: string;
  cgroupParent: string;
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  metadata: ContainerMetadata;
  image: string;
  imageId: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  mounts: Mount[];
  logPath: string;
  cgroupsPath: string;
  stopSignal: string;
  conmonPid: number;
  tty: boolean;
  /** Which OCI runtime created it, so a restart with another default still manages it. */
  ociRuntime: 'crun' | 'runc';
}

// Records are a few hundred bytes on the local disk and are read and written on every
// create, start and status: synchronous calls take tens of microseconds, while each
// threadpool round trip of the async ones waits for a thread to be scheduled, which on
// a loaded node costs far more than the work itself.
//
// Replacing a record must not free the version before it while that is still being
// written back: ext4 starts writing a file renamed over another at once (auto_da_alloc),
// and freeing an inode waits for its pages to reach the disk, which took the third save
// of every container start 0.3-0.45 ms. So the old version keeps a second name across
// the rename and a background unlink frees it off the event loop.
let oldVersions = 0;
async function writeAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  const old = `${path}.${process.pid}.${oldVersions++}.old`;
  let kept = true;
  try { linkSync(path, old); } catch { kept = false; } // the first save: nothing to keep
  renameSync(tmp, path);
  if (kept) void unlink(old).catch(() => { /* gone with its directory */ });
}

async function readJson<T>(path: string): Promise<T | null> {
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch { return null; }
}

export class StateStore {
  constructor(readonly root: string) {}

  sandboxDir(id: string): string { return join(this.root, 'sandboxes', id); }
  containerDir(id: string): string { return join(this.root, 'containers', id); }

  async init(): Promise<void> {
    for (const d of ['sandboxes', 'containers', 'netns', 'exits', 'logs']) await mkdir(join(this.root, d), { recursive: true });
  }

  saveSandbox(r: SandboxRecord): Promise<void> { return writeAtomic(join(this.sandboxDir(r.id), 'state.json'), r); }

  /** A record whose directory is gone was removed meanwhile; saving it again is moot. */
  async saveContainer(r: ContainerRecord): Promise<void> {
    try {
      await writeAtomic(join(this.containerDir(r.id), 'state.json'), r);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  sandbox(id: string): Promise<SandboxRecord | null> { return safeId(id) ? readJson(join(this.sandboxDir(id), 'state.json')) : Promise.resolve(null); }
  container(id: string): Promise<ContainerRecord | null> { return safeId(id) ? readJson(join(this.containerDir(id), 'state.json')) : Promise.resolve(null); }

  async sandboxes(): Promise<SandboxRecord[]> { return this.all<SandboxRecord>('sandboxes'); }
  async containers(): Promise<ContainerRecord[]> { return this.all<ContainerRecord>('containers'); }

  private async all<T>(kind: string): Promise<T[]> {
    const names = await readdir(join(this.root, kind)).catch(() => [] as string[]);
    const recs = await Promise.all(names.map((n) => readJson<T>(join(this.root, kind, n, 'state.json'))));
    return recs.filter((r): r is Awaited<T> => r !== null) as T[];
  }
}

/** Ids come from callers; only plain names may become paths. */
export function safeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id);
}
