// Wiring for `k8ts ctr`: one ImageStore and one OciRuntimeService over a root
// directory, and the names ctr gives containers (docker-style) on top of CRI objects.

import { join } from 'node:path';
import { ImageStore } from '../../runtime/oci/image/index.js';
import { ImageStoreRootfsProvider, OciImageService } from '../../runtime/oci/images.js';
import { OciRuntimeService, DEFAULT_ROOT } from '../../runtime/oci/runtime.js';
import type { OciRuntimeName } from '../../runtime/oci/ocicli.js';
import { NotFoundError, type Container, type RuntimeService } from '../../runtime/cri.js';

/** Labels and annotations by which ctr finds its own containers again. */
export const LABEL_MANAGED = 'io.k8ts.ctr/managed';
export const LABEL_NAME = 'io.k8ts.ctr/name';
export const ANN_COMMAND = 'io.k8ts.ctr/command';
export const ANN_AUTO_REMOVE = 'io.k8ts.ctr/auto-remove';

export interface Ctx {
  root: string;
  images: ImageStore;
  imageService: OciImageService;
  runtime: OciRuntimeService;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export async function makeContext(opts: { root?: string; runtime?: OciRuntimeName; cgroupParent?: string }): Promise<Ctx> {
  const root = opts.root ?? DEFAULT_ROOT;
  const images = new ImageStore({ root: join(root, 'images') });
  const runtime = await OciRuntimeService.create({
    root, rootfs: new ImageStoreRootfsProvider(images), ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.cgroupParent ? { cgroupParent: opts.cgroupParent } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  return { root, images, imageService: new OciImageService(images), runtime, out: process.stdout, err: process.stderr };
}

export class AmbiguousContainerError extends Error {
  readonly code = 'ERR_AMBIGUOUS_CONTAINER';
  constructor(readonly ref: string) {
    super(`container reference "${ref}" matches more than one container`);
    this.name = 'AmbiguousContainerError';
  }
}

/** A container by name, full id or unique id prefix (as docker resolves them). */
export async function findContainer(rt: RuntimeService, ref: string): Promise<Container> {
  const all = await rt.listContainers({ labelSelector: { [LABEL_MANAGED]: 'true' } });
  const byName = all.find((c) => c.labels[LABEL_NAME] === ref);
  if (byName) return byName;
  const hits = all.filter((c) => c.id.startsWith(ref));
  if (hits.length > 1) throw new AmbiguousContainerError(ref);
  if (!hits[0] || ref.length === 0) throw new NotFoundError('container', ref);
  return hits[0];
}

/** Containers run with --rm -d cannot be removed by a process that is gone; the next ctr does it. */
export async function reapAutoRemoved(rt: RuntimeService): Promise<void> {
  for (const c of await rt.listContainers({ labelSelector: { [LABEL_MANAGED]: 'true' }, state: 'CONTAINER_EXITED' })) {
    if (c.annotations[ANN_AUTO_REMOVE] === 'true') await rt.removePodSandbox(c.podSandboxId).catch(() => {});
  }
}
