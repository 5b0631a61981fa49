// Service account tokens for projected volumes: asked of the API server with a
// TokenRequest bound to the pod, cached per (pod, service account, audience,
// expiration), and asked again once 80% of a token's lifetime has passed or it is
// older than 24 hours, as the kubelet's token manager does.

import type { Clock } from '../../client/clock.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Pod } from '../types.js';

export interface TokenSpec {
  /** Empty: the API server's own audiences. */
  audience?: string;
  expirationSeconds: number;
}

export interface IssuedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Who hands out tokens; the default asks the API server (serviceaccounts/token). */
export interface TokenIssuer {
  issue(pod: Pod, serviceAccount: string, spec: TokenSpec): Promise<IssuedToken>;
}

interface TokenRequestStatus {
  status?: { token?: string; expirationTimestamp?: string };
}

export class TokenRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenRequestError';
  }
}

export class ApiTokenIssuer implements TokenIssuer {
  constructor(private readonly client: RestClient, private readonly clock: Clock) {}

  async issue(pod: Pod, serviceAccount: string, spec: TokenSpec): Promise<IssuedToken> {
    const ns = pod.metadata.namespace ?? 'default';
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: spec.audience ? [spec.audience] : [],
        expirationSeconds: spec.expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
      },
    };
    const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`;
    const res = await this.client.json<TokenRequestStatus>('POST', path, { body });
    const token = res.status?.token;
    if (!token) throw new TokenRequestError(`TokenRequest for serviceaccount "${serviceAccount}" answered no token`);
    const exp = Date.parse(res.status?.expirationTimestamp ?? '');
    return { token, expiresAt: Number.isFinite(exp) ? exp : this.clock.now() + spec.expirationSeconds * 1000 };
  }
}

interface Cached extends IssuedToken {
  issuedAt: number;
}

const maxAgeMs = 24 * 3600 * 1000;

export class TokenCache {
  private readonly tokens = new Map<string, Cached>();

  constructor(private readonly issuer: TokenIssuer, private readonly clock: Clock) {}

  private static key(pod: Pod, sa: string, spec: TokenSpec): string {
    return [pod.metadata.uid ?? '', sa, spec.audience ?? '', spec.expirationSeconds].join('\u0000');
  }

  /** The cached token, or a fresh one once the cached one is due for rotation. */
  async get(pod: Pod, sa: string, spec: TokenSpec): Promise<string> {
    const key = TokenCache.key(pod, sa, spec);
    const now = this.clock.now();
    const c = this.tokens.get(key);
    if (c && !TokenCache.due(c, now)) return c.token;
    try {
      const t = await this.issuer.issue(pod, sa, spec);
      this.tokens.set(key, { ...t, issuedAt: now });
      return t.token;
    } catch (e) {
      // A token that still works beats failing the sync; the next refresh retries.
      if (c && c.expiresAt > now) return c.token;
      throw e;
    }
  }

  private static due(c: Cached, now: number): boolean {
    const life = c.expiresAt - c.issuedAt;
    return now >= c.issuedAt + life * 0.8 || now - c.issuedAt > maxAgeMs;
  }

  /** Forgets the tokens of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const k of this.tokens.keys()) if (k.startsWith(uid + '\u0000')) this.tokens.delete(k);
  }
}
