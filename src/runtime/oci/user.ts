// Resolves a container's user ("1000", "1000:1000", "nginx", "nginx:www") against the
// image's own /etc/passwd and /etc/group, as Docker does: names only mean something
// inside the image.

import { readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { InvalidArgumentError } from '../cri.js';

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[] }

async function readEtc(rootfs: string, file: string): Promise<string[][]> {
  // The file comes from the image; a symlink in it could point anywhere on the host, so
  // the resolved path must still lie inside the root filesystem.
  try {
    // Synchronous: two small files of a local rootfs on every create (see state.ts).
    const root = realpathSync(rootfs);
    const path = realpathSync(join(rootfs, 'etc', file));
    if (!path.startsWith(root + sep)) return [];
    const text = readFileSync(path, 'utf8');
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const isNum = (s: string) => /^\d+$/.test(s);

export async function resolveUser(rootfs: string, spec: string | undefined): Promise<ResolvedUser> {
  const [userPart = '', groupPart] = (spec ?? '').split(':');
  const passwd = await readEtc(rootfs, 'passwd');
  const groups = await readEtc(rootfs, 'group');
  let uid = 0;
  let gid = 0;
  let name: string | undefined;
  if (userPart === '') {
    name = 'root';
  } else if (isNum(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => p[2] === userPart);
    if (entry) { gid = Number(entry[3] ?? 0); name = entry[0]; }
  } else {
    const entry = passwd.find((p) => p[0] === userPart);
    if (!entry) throw new InvalidArgumentError(`user "${userPart}" not found in the image's /etc/passwd`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    name = userPart;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (isNum(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) throw new InvalidArgumentError(`group "${groupPart}" not found in the image's /etc/group`);
      gid = Number(g[2]);
    }
  }
  const additionalGids = name === undefined ? [] : groups
    .filter((g) => (g[3] ?? '').split(',').includes(name!) && Number(g[2]) !== gid)
    .map((g) => Number(g[2]));
  return { uid, gid, additionalGids };
}

/**
 * resolveUser for the fresh root of an image that never changes (one from the image
 * store: its id is the digest of its content), remembered per image and user, so a
 * container start reads no /etc through a fresh overlay. A root that may change (a
 * plain directory) is read every time.
 */
export class ImageUserCache {
  private readonly known = new Map<string, ResolvedUser>();

  constructor(private readonly max = 512) {}

  async resolve(image: { imageId: string; immutable?: boolean }, rootfs: string, spec: string | undefined): Promise<ResolvedUser> {
    if (!image.immutable) return resolveUser(rootfs, spec);
    const key = `${image.imageId}\n${spec ?? ''}`;
    const hit = this.known.get(key);
    if (hit) return structuredClone(hit);
    const user = await resolveUser(rootfs, spec);
    if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, structuredClone(user));
    return user;
  }
}
