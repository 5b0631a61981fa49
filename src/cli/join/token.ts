// The cluster's join token, in k3s' form: `K10<ca-hash>::server:<secret>`. The hash is
// the SHA-256 of the CA bundle exactly as the server serves it at /cacerts, so an agent
// that fetches the CA over an unverified connection can still tell it is the right one;
// the secret is what the join endpoint checks. The token is good for joining only: the
// API server's authenticators never see it.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';

export class JoinTokenError extends Error {
  override name = 'JoinTokenError';
}

export interface JoinToken {
  /** SHA-256 of the CA bundle, lower-case hex. */
  caHash: string;
  /** Always 'server': the one identity join tokens speak for. */
  username: string;
  secret: string;
}

const tokenPattern = /^K10([0-9a-f]{64})::([a-z0-9-]+):([A-Za-z0-9._-]{16,})$/;

/** The hash a token carries for this CA bundle. */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

export function formatJoinToken(caPem: string, secret: string): string {
  return `K10${caHash(caPem)}::server:${secret}`;
}

export function parseJoinToken(text: string): JoinToken {
  const m = tokenPattern.exec(text.trim());
  if (!m) {
    throw new JoinTokenError('malformed join token: want K10<sha256 of the CA>::server:<secret>, as the server writes it to <data-dir>/token');
  }
  if (m[2] !== 'server') throw new JoinTokenError(`join token names user "${m[2]}": only "server" tokens join nodes`);
  return { caHash: m[1], username: m[2], secret: m[3] };
}

/** True when the presented token is this server's, compared in constant time. */
export function tokenMatches(presented: string, expected: JoinToken): boolean {
  let token: JoinToken;
  try {
    token = parseJoinToken(presented);
  } catch {
    return false;
  }
  const a = Buffer.from(token.secret);
  const b = Buffer.from(expected.secret);
  const secretOk = a.length === b.length && timingSafeEqual(a, b);
  return secretOk && token.caHash === expected.caHash && token.username === expected.username;
}

/**
 * The server's token, kept at path (mode 0600): made on first start, reused after. A
 * CA made anew (a data dir whose tls/ was wiped) keeps the secret but changes the hash.
 */
export async function readOrCreateJoinToken(path: string, caPem: string): Promise<string> {
  let secret: string | undefined;
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    secret = parseJoinToken(existing).secret;
    if (existing === formatJoinToken(caPem, secret)) return existing;
  } catch (err) {
    if (!(err instanceof JoinTokenError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = formatJoinToken(caPem, secret ?? randomBytes(16).toString('hex'));
  await writeFile(path, token + '\n', { mode: 0o600 });
  await chmod(path, 0o600);
  return token;
}
