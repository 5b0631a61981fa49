// ImageLocality: prefers nodes that already hold the pod's images, weighted by how
// widely each image is spread (an image on every node says nothing), with the sum
// clamped between 23 MB and 1000 MB per container, as Kubernetes does.

import { maxNodeScore, type CycleState, type Handle, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { ImageLocalityName } from '../names.js';

const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;

/** "busybox" -> "docker.io/library/busybox:latest"-like normal form: only the tag is added. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  const tail = name.slice(lastSlash + 1);
  if (tail.includes(':') || name.includes('@')) return name;
  return `${name}:latest`;
}

export interface ImageIndex {
  /** How many nodes hold the image (normalized name). */
  nodesWithImage(image: string): number;
}

export class ImageLocality implements ScorePlugin {
  readonly name = ImageLocalityName;

  constructor(private readonly handle: Handle, private readonly images: ImageIndex) {}

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const nodeImages = node.node.status?.images;
    const containers = pod.pod.spec?.containers ?? [];
    if (!nodeImages?.length || containers.length === 0) return 0;
    const total = this.handle.nodes().length || 1;
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const want = normalizedImageName(c.image);
      const found = nodeImages.find((i) => (i.names ?? []).some((n) => normalizedImageName(n) === want));
      if (!found) continue;
      sum += (found.sizeBytes ?? 0) * (this.images.nodesWithImage(want) / total);
    }
    const max = maxContainerThreshold * containers.length;
    if (sum < minThreshold) sum = minThreshold;
    else if (sum > max) sum = max;
    return Math.floor((maxNodeScore * (sum - minThreshold)) / (max - minThreshold));
  }
}
