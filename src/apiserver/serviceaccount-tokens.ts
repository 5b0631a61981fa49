// Service account tokens: JWTs signed by the cluster's service-account key (ES256),
// issued through `serviceaccounts/NAME/token` (TokenRequest) and accepted as bearer
// tokens, naming the user `system:serviceaccount:NS:NAME`, as Kubernetes does.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { UserInfo } from './registry/hooks.js';

export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface TokenClaims {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  /** The pod the token is bound to, if any. */
  pod?: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class ServiceAccountTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(keyPem: string, private readonly issuer = defaultIssuer, private readonly now: () => Date = () => new Date()) {
    this.privateKey = createPrivateKey(keyPem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  issue(c: TokenClaims): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + c.expirationSeconds;
    const payload: Record<string, unknown> = {
      aud: c.audiences,
      exp,
      iat,
      nbf: iat,
      iss: this.issuer,
      sub: `system:serviceaccount:${c.namespace}:${c.serviceAccount.name}`,
      'kubernetes.io': {
        namespace: c.namespace,
        serviceaccount: c.serviceAccount,
        ...(c.pod ? { pod: c.pod } : {}),
      },
    };
    const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64url(signature)}`, expiresAt: new Date(exp * 1000) };
  }

  /** The user a valid, unexpired token names; undefined for anything else. */
  authenticate(token: string): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    if (!ok) return undefined;
    let payload: { exp?: number; nbf?: number; iss?: string; 'kubernetes.io'?: { namespace?: string; serviceaccount?: { name?: string; uid?: string } } };
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    } catch {
      return undefined;
    }
    const now = this.now().getTime() / 1000;
    if (payload.iss !== this.issuer || typeof payload.exp !== 'number' || payload.exp < now || (payload.nbf ?? 0) > now + 60) return undefined;
    const ns = payload['kubernetes.io']?.namespace;
    const sa = payload['kubernetes.io']?.serviceaccount;
    if (!ns || !sa?.name) return undefined;
    return {
      username: `system:serviceaccount:${ns}:${sa.name}`,
      uid: sa.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`],
    };
  }
}
