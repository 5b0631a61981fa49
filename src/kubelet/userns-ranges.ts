// User namespace id ranges for pods with `hostUsers: false`, as the kubelet hands them
// out: 65536 ids per pod (uids and gids alike, container id 0 = the range's first host
// id), ranges aligned to multiples of 65536 from host id 65536 upward (the first range,
// the host's own users, is never given out), no two pods sharing one. A pod's range is
// written to <rootDir>/pods/<uid>/userns, as the real kubelet does, so a restarted
// kubelet gives the pod's running containers the same range again; removing the pod's
// directory (cleanupPod) frees it. The pod's status does not show it.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { UserNamespace } from '../runtime/cri.js';

export const USERNS_LENGTH = 65536;
/** Ranges 1..MAX_RANGES: the last one ends below 2^32 - 1, which is no id (it means "unset"). */
const MAX_RANGES = 65534;

/** Every range is taken (or the node's configured share of them). */
export class UserNamespaceRangesExhaustedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserNamespaceRangesExhaustedError';
  }
}

/** A pod's persisted mapping (the same JSON shape as the real kubelet's `userns` file). */
interface MappingFile {
  uidMappings: { containerId: number; hostId: number; length: number }[];
  gidMappings: { containerId: number; hostId: number; length: number }[];
}

export interface UserNamespaceRangesOptions {
  /** How many ranges this node may give out (default: as many as fit below 2^32). */
  maxRanges?: number;
}

export class UserNamespaceRanges {
  /** pod uid → range index (host id = index * 65536). */
  private readonly byPod = new Map<string, number>();
  private readonly used = new Set<number>();
  private loaded = false;
  private readonly maxRanges: number;

  constructor(private readonly podsDir: string, opts: UserNamespaceRangesOptions = {}) {
    this.maxRanges = Math.min(opts.maxRanges ?? MAX_RANGES, MAX_RANGES);
  }

  /**
   * The pod's user namespace: the range it already has (in memory or on disk), or the
   * lowest free one, persisted before it is returned. Synchronous from the choice to the
   * record, so two pods started at once never get one range.
   */
  allocate(podUid: string): UserNamespace {
    if (!podUid || podUid.includes('/') || podUid.startsWith('.')) throw new TypeError(`bad pod uid "${podUid}"`);
    this.load();
    let index = this.byPod.get(podUid);
    if (index === undefined) {
      this.forgetRemoved();
      index = this.lowestFree();
      const file = this.file(podUid);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(mappingOf(index)));
      renameSync(`${file}.tmp`, file);
      this.take(podUid, index);
    }
    const m = mappingOf(index);
    return { uids: m.uidMappings, gids: m.gidMappings };
  }

  /** The pod's range, if it has one. */
  get(podUid: string): UserNamespace | undefined {
    this.load();
    const index = this.byPod.get(podUid);
    if (index === undefined) return undefined;
    const m = mappingOf(index);
    return { uids: m.uidMappings, gids: m.gidMappings };
  }

  /** Frees the pod's range (its pod directory going away frees it too). */
  release(podUid: string): void {
    this.load();
    const index = this.byPod.get(podUid);
    if (index === undefined) return;
    this.byPod.delete(podUid);
    this.used.delete(index);
    rmSync(this.file(podUid), { force: true });
  }

  private file(podUid: string): string {
    return path.join(this.podsDir, podUid, 'userns');
  }

  private take(podUid: string, index: number): void {
    this.byPod.set(podUid, index);
    this.used.add(index);
  }

  private lowestFree(): number {
    for (let i = 1; i <= this.maxRanges; i++) if (!this.used.has(i)) return i;
    throw new UserNamespaceRangesExhaustedError(`all ${this.maxRanges} user namespace ranges of this node are in use`);
  }

  /** Ranges of pods whose directory cleanupPod has removed since. */
  private forgetRemoved(): void {
    for (const [uid, index] of this.byPod) {
      if (!existsSync(this.file(uid))) { this.byPod.delete(uid); this.used.delete(index); }
    }
  }

  /** Reads every pod's persisted range once. A file that does not parse as one of ours is skipped. */
  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    let uids: string[];
    try { uids = readdirSync(this.podsDir); } catch { return; }
    for (const uid of uids) {
      const index = readRange(this.file(uid));
      if (index !== undefined && !this.used.has(index)) this.take(uid, index);
    }
  }
}

function mappingOf(index: number): MappingFile {
  const one = [{ containerId: 0, hostId: index * USERNS_LENGTH, length: USERNS_LENGTH }];
  return { uidMappings: one, gidMappings: structuredClone(one) };
}

function readRange(file: string): number | undefined {
  let m: MappingFile;
  try { m = JSON.parse(readFileSync(file, 'utf8')) as MappingFile; } catch { return undefined; }
  const u = m.uidMappings?.[0];
  if (!u || u.containerId !== 0 || u.length !== USERNS_LENGTH || u.hostId % USERNS_LENGTH !== 0 || u.hostId < USERNS_LENGTH) return undefined;
  const index = u.hostId / USERNS_LENGTH;
  return index <= MAX_RANGES ? index : undefined;
}

const perRoot = new Map<string, UserNamespaceRanges>();

/** The one allocator of a kubelet root directory (its pods live under <rootDir>/pods). */
export function userNamespaceRanges(rootDir: string): UserNamespaceRanges {
  let r = perRoot.get(rootDir);
  if (!r) perRoot.set(rootDir, (r = new UserNamespaceRanges(path.join(rootDir, 'pods'))));
  return r;
}
