// Traffic shaping from the pod annotations kubernetes.io/ingress-bandwidth and
// kubernetes.io/egress-bandwidth (bits per second, as quantities), handed to the
// bandwidth plugin through its `bandwidth` capability, as container runtimes do.
import { parseQuantity, QuantityParseError } from '../../api/validation/quantity.js';
import type { PodLike } from './types.js';

export const INGRESS_ANNOTATION = 'kubernetes.io/ingress-bandwidth';
export const EGRESS_ANNOTATION = 'kubernetes.io/egress-bandwidth';

// The range Kubernetes accepts for these annotations: 1k to 1P bits per second.
const MIN_RATE = 1e3;
const MAX_RATE = 1e15;
// The plugin insists on a burst; runtimes pass the largest 32-bit value for "unlimited".
const UNLIMITED_BURST = 0xffffffff;

export interface CniBandwidth {
  ingressRate?: number;
  ingressBurst?: number;
  egressRate?: number;
  egressBurst?: number;
}

export class BandwidthAnnotationError extends Error {
  override readonly name = 'BandwidthAnnotationError';
  constructor(readonly pod: string, readonly annotation: string, readonly value: string, reason: string) {
    super(`pod ${pod}: annotation ${annotation}=${JSON.stringify(value)}: ${reason}`);
  }
}

function rate(podRef: string, annotation: string, value: string): number {
  let bits: number;
  try {
    bits = Math.ceil(parseQuantity(value));
  } catch (err) {
    if (err instanceof QuantityParseError) throw new BandwidthAnnotationError(podRef, annotation, value, 'not a quantity');
    throw err;
  }
  if (bits < MIN_RATE) throw new BandwidthAnnotationError(podRef, annotation, value, 'below the minimum of 1k');
  if (bits > MAX_RATE) throw new BandwidthAnnotationError(podRef, annotation, value, 'above the maximum of 1P');
  return bits;
}

/** The plugin's runtimeConfig for the pod, or undefined when it is not shaped at all. */
export function bandwidthOf(pod: PodLike, podRef: string): CniBandwidth | undefined {
  const ann = pod.metadata?.annotations ?? {};
  const out: CniBandwidth = {};
  const ingress = ann[INGRESS_ANNOTATION];
  const egress = ann[EGRESS_ANNOTATION];
  if (ingress !== undefined) {
    out.ingressRate = rate(podRef, INGRESS_ANNOTATION, ingress);
    out.ingressBurst = UNLIMITED_BURST;
  }
  if (egress !== undefined) {
    out.egressRate = rate(podRef, EGRESS_ANNOTATION, egress);
    out.egressBurst = UNLIMITED_BURST;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
