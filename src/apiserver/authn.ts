// Authentication: who sent a request. A client certificate signed by the cluster CA
// names the user (CN) and groups (O); a bearer token is looked up among the tokens the
// server knows. Anything else is anonymous, which this server refuses (401).

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './registry/hooks.js';

export type TokenAuthenticator = (token: string) => UserInfo | undefined;

export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

export function certificateAuthenticator(): Authenticator {
  // A connection's certificate never changes: read it once per socket, not per request.
  const bySocket = new WeakMap<TLSSocket, UserInfo | null>();
  return {
    authenticate(req) {
      const socket = req.socket as TLSSocket;
      let user = bySocket.get(socket);
      if (user === undefined) {
        user = certificateUser(socket);
        bySocket.set(socket, user);
      }
      return user ?? undefined;
    },
  };
}

function certificateUser(socket: TLSSocket): UserInfo | null {
  if (!socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject?.CN;
  if (!cn) return null;
  return withAuthenticated({ username: Array.isArray(cn) ? cn[0] : cn, groups: asList(cert.subject.O) });
}

export function bearerTokenAuthenticator(lookup: TokenAuthenticator): Authenticator {
  return {
    authenticate(req) {
      const h = req.headers.authorization;
      if (!h) return undefined;
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      if (!m) return undefined;
      const u = lookup(m[1]);
      return u ? withAuthenticated(u) : undefined;
    },
  };
}

/** Tries each authenticator in turn. */
/**
 * The server's own components (controllers, scheduler, its node agent) calling through
 * an in-process transport: no TLS to carry a certificate, so the transport names them
 * (see client/in-process-transport.ts) and `peerOf` looks that up for the socket.
 */
export function inProcessAuthenticator(peerOf: (socket: object) => UserInfo | undefined): Authenticator {
  return {
    authenticate(req) {
      const u = peerOf(req.socket);
      return u ? withAuthenticated(u) : undefined;
    },
  };
}

export function unionAuthenticator(...all: Authenticator[]): Authenticator {
  return {
    authenticate(req) {
      for (const a of all) {
        const u = a.authenticate(req);
        if (u) return u;
      }
      return undefined;
    },
  };
}

/** A fixed table of tokens, as kube-apiserver's --token-auth-file gives. */
export function staticTokens(tokens: Record<string, UserInfo>): TokenAuthenticator {
  const map = new Map(Object.entries(tokens));
  return (token) => map.get(token);
}
