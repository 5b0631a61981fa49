// sha256 digests in the `sha256:<hex>` form used by OCI.
import { createHash } from 'node:crypto';
import { DigestMismatchError } from './errors.js';

const SHA256 = /^sha256:([a-f0-9]{64})$/;

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function isDigest(s: string): boolean {
  return SHA256.test(s);
}

/** The hex part; throws for anything but a well-formed sha256 digest. */
export function digestHex(digest: string): string {
  const m = SHA256.exec(digest);
  if (!m) throw new DigestMismatchError('a sha256 digest', digest, 'unsupported digest');
  return m[1]!;
}

/** Chain ID of a layer stack, as the OCI image spec defines it. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? d : sha256Digest(`${parent} ${d}`));
  }
  return out;
}
