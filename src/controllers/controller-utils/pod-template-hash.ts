// The pod-template-hash a Deployment gives each ReplicaSet it makes (the ReplicaSet's
// name suffix, and a label on its selector, template and pods). Kubernetes hashes the
// template with FNV-32a, adds the deployment's collisionCount (four little-endian bytes
// and four zero bytes) when set, prints the 32-bit sum in decimal and maps each digit
// through rand.SafeEncodeString's alphabet. The same recipe is applied here to the
// template's canonical JSON instead of Go's struct dump: values differ from
// Kubernetes', but they are stable, of the same form, and change with the template.

import { canonicalJson } from './canonical.js';
import type { PodTemplateSpec } from './types.js';

export const podTemplateHashLabel = 'pod-template-hash';

/** rand.SafeEncodeString's alphabet: no vowels (no words), no 0/1/3 (look like letters). */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = fnvOffset): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, fnvPrime) >>> 0;
  }
  return h >>> 0;
}

/** Each character's code modulo the alphabet's size, as Kubernetes encodes names. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += safeAlphabet[s.charCodeAt(i) % safeAlphabet.length];
  return out;
}

export function computePodTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
