// Random name suffixes like the API server's generateName: five characters from the
// alphabet Kubernetes uses (no vowels, so no words; no 0/1/3 look-alikes). Names are
// made on the client so that a controller knows what it expects to see created.

import { randomInt } from 'node:crypto';

export const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += safeAlphabet[randomInt(safeAlphabet.length)];
  return s;
}

/** `base-xxxxx`, with base cut so the whole stays within 63 characters (pod hostnames). */
export function generatedName(base: string): string {
  const max = 63 - 6;
  return `${base.length > max ? base.slice(0, max) : base}-${randomSuffix()}`;
}
