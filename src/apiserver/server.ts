// The API server's request handler: authentication, then the non-resource endpoints
// (version, health, discovery, OpenAPI), then the generic resource handlers. Every
// failure becomes a Status; nothing a client sends can take the process down.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRegistry } from '../api/resources.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery } from './discovery/index.js';
import { ApiError, errors } from './errors.js';
import type { Authenticator } from './authn.js';
import { negotiate, sendBody, sendError } from './http/negotiate.js';
import { parseResourcePath } from './request-info.js';
import type { ServerContext } from './handlers/context.js';
import { handleResource } from './handlers/resource.js';
import type { TokenLookup } from './handlers/reviews.js';
import { StorageError } from '../storage/store.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

/** The documents served under /openapi. */
export interface OpenApiDocuments {
  v2(): string;
  /** The v2 document in gnostic's protobuf form, which kubectl 1.27 and 1.28 require. */
  v2Proto(): { bytes: Uint8Array; mediaType: string };
  wantsV2Proto(accept: string | undefined): boolean;
  v3Root(): string;
  /** The document of one group-version path such as 'api/v1' or 'apis/apps/v1'. */
  v3(path: string): string | undefined;
}

export interface ApiServerOptions {
  context: ServerContext;
  authenticator: Authenticator;
  lookupToken: TokenLookup;
  openapi: OpenApiDocuments;
  version: VersionInfo;
  /** Address clients reach the server at, for /api's serverAddressByClientCIDRs. */
  advertiseAddress: string;
  ready: () => boolean;
  log: (msg: string) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(opts: ApiServerOptions): RequestHandler {
  const registry = opts.context.registry;
  const versionBody = {
    ...opts.version,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'k8ts',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const apiErr = toApiError(err);
      if (apiErr.code >= 500) opts.log(`${req.method} ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      sendError(res, apiErr);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const user = opts.authenticator.authenticate(req);
    if (!user) throw errors.unauthorized();
    const method = req.method ?? 'GET';

    if (method === 'GET' || method === 'HEAD') {
      const handled = serveNonResource(req, res, path);
      if (handled) return;
    }
    const info = parseResourcePath(method, path, url.searchParams);
    if (!info) throw errors.notFoundPath();
    const r = registry.lookup(info.group, info.version, info.resource);
    if (!r) throw errors.notFoundPath();
    const out = negotiate(req.headers.accept);
    await handleResource(opts.context, { req, res, query: url.searchParams, user, info, r, out, warnings: [] }, opts.lookupToken);
  }

  function serveNonResource(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    switch (path) {
      case '/version':
        sendBody(res, 200, versionBody);
        return true;
      case '/healthz':
      case '/livez':
      case '/readyz': {
        const ok = path !== '/readyz' || opts.ready();
        res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end(ok ? 'ok' : 'readyz check failed');
        return true;
      }
      case '/api':
      case '/apis':
        serveRootDiscovery(req, res, path === '/api' ? 'core' : 'apis');
        return true;
      case '/openapi/v2': {
        if (opts.openapi.wantsV2Proto(req.headers.accept)) {
          const doc = opts.openapi.v2Proto();
          res.writeHead(200, { 'Content-Type': doc.mediaType, 'Content-Length': doc.bytes.length });
          res.end(doc.bytes);
          return true;
        }
        acceptsJson(req);
        sendBody(res, 200, opts.openapi.v2());
        return true;
      }
      case '/openapi/v3':
        acceptsJson(req);
        sendBody(res, 200, opts.openapi.v3Root());
        return true;
    }
    if (path.startsWith('/openapi/v3/')) {
      acceptsJson(req);
      const doc = opts.openapi.v3(path.slice('/openapi/v3/'.length));
      if (!doc) throw errors.notFoundPath();
      sendBody(res, 200, doc, false, { 'Cache-Control': 'public, immutable' });
      return true;
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(registry, '', parts[1]);
      if (!list) throw errors.notFoundPath();
      sendBody(res, 200, list);
      return true;
    }
    if (parts[0] === 'apis' && (parts.length === 2 || parts.length === 3)) {
      const doc = parts.length === 2 ? apiGroup(registry, parts[1]) : apiResourceList(registry, parts[1], parts[2]);
      if (!doc) throw errors.notFoundPath();
      sendBody(res, 200, doc);
      return true;
    }
    return false;
  }

  function serveRootDiscovery(req: IncomingMessage, res: ServerResponse, which: 'core' | 'apis'): void {
    const v = negotiateDiscovery(req.headers.accept);
    const headers = { Vary: 'Accept' };
    if (v) {
      sendBody(res, 200, aggregatedDiscovery(registry as ResourceRegistry, which, v), false, { ...headers, 'Content-Type': aggregatedContentType(v) });
      return;
    }
    sendBody(res, 200, which === 'core' ? apiVersions(registry, opts.advertiseAddress) : apiGroupList(registry), false, headers);
  }
}

/**
 * OpenAPI is served as JSON only. Clients that ask for protobuf alone get 406, on which
 * client-go falls back to asking for JSON.
 */
function acceptsJson(req: IncomingMessage): void {
  const accept = req.headers.accept;
  if (!accept) return;
  if (/application\/json|\*\/\*|application\/\*/.test(accept)) return;
  throw errors.notAcceptable(`only application/json is served here, not ${accept}`);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StorageError) return errors.internal(err.message, err);
  return errors.internal(err instanceof Error ? err.message : String(err), err);
}
