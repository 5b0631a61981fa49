// An OCI Distribution client: manifests and blobs over HTTP(S), with the bearer-token
// flow public registries use, basic auth, plain HTTP for loopback and insecure
// registries, and resumable blob downloads straight into the content store.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ContentStore } from './content-store.js';
import { basicHeader, credentialsFromDockerConfig, parseWwwAuthenticate, type Credentials } from './credentials.js';
import { sha256Digest } from './digest.js';
import { AbortedError, DigestMismatchError, ImageNotFoundError, RegistryError, RegistryUnreachableError, UnauthorizedError } from './errors.js';
import { httpGet, readBody } from './http.js';
import { MANIFEST_ACCEPT, type Descriptor } from './media-types.js';
import { formatReference, hostnameOf, registryHost, type ImageReference } from './reference.js';

export interface RegistryClientOptions {
  /** Credentials for every registry this client talks to (default: none). */
  auth?: Credentials;
  /** Docker-style config file to find credentials in (default: not read). */
  dockerConfigPath?: string;
  /** Registries (`host` or `host:port`) reached over plain HTTP (default: loopback only). */
  insecureRegistries?: string[];
  signal?: AbortSignal;
  /** Attempts per blob before giving up; each resumes where the last stopped (default 4). */
  blobAttempts?: number;
  /** A connection silent this long is dropped (and a blob resumed); default 30 000 ms. */
  idleTimeoutMs?: number;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** Loopback addresses get plain HTTP, as Docker allows. */
export function isLoopback(domain: string): boolean {
  const h = hostnameOf(domain);
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private readonly creds = new Map<string, Credentials | undefined>();

  constructor(private readonly opts: RegistryClientOptions = {}) {}

  baseUrl(domain: string): string {
    const insecure = isLoopback(domain) || (this.opts.insecureRegistries ?? []).some((r) => r === domain || r === hostnameOf(domain));
    return `${insecure ? 'http' : 'https'}://${registryHost(domain)}`;
  }

  /** GET a manifest by tag or digest; verifies it when asked for by digest. */
  async getManifest(ref: ImageReference, tagOrDigest: string): Promise<FetchedManifest> {
    const res = await this.get(ref, `/v2/${ref.path}/manifests/${tagOrDigest}`, { accept: MANIFEST_ACCEPT });
    if (res.statusCode === 404) {
      res.resume();
      throw new ImageNotFoundError(formatReference(ref));
    }
    await this.expectOk(ref, res);
    const bytes = await readBody(res);
    const digest = sha256Digest(bytes);
    const announced = res.headers['docker-content-digest'];
    if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) throw new DigestMismatchError(tagOrDigest, digest, 'manifest');
    if (typeof announced === 'string' && announced.startsWith('sha256:') && announced !== digest) {
      throw new DigestMismatchError(announced, digest, 'manifest vs Docker-Content-Digest');
    }
    return { bytes, mediaType: String(res.headers['content-type'] ?? '').split(';')[0]!.trim(), digest };
  }

  /** A small blob (config) read into memory and verified. */
  async getSmallBlob(ref: ImageReference, desc: Descriptor): Promise<Buffer> {
    const res = await this.get(ref, `/v2/${ref.path}/blobs/${desc.digest}`, {});
    if (res.statusCode === 404) {
      res.resume();
      throw new ImageNotFoundError(formatReference(ref), `blob ${desc.digest} missing`);
    }
    await this.expectOk(ref, res);
    // Configs are kilobytes; a manifest claiming more than 16 MiB is not believed.
    const bytes = await readBody(res, Math.min(desc.size, 16 * 1024 * 1024) + 1);
    const digest = sha256Digest(bytes);
    if (digest !== desc.digest) throw new DigestMismatchError(desc.digest, digest, 'blob');
    return bytes;
  }

  /**
   * Download a blob into the content store, resuming a partial file with a Range
   * request, retrying network failures. Nothing reaches blobs/ unless verified.
   */
  async fetchBlob(ref: ImageReference, desc: Descriptor, store: ContentStore, onBytes?: (done: number) => void, onChunk?: (chunk: Buffer) => Promise<void>, onRestart?: () => void): Promise<void> {
    const attempts = this.opts.blobAttempts ?? 4;
    let lastError: unknown;
    let sent = 0;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** (attempt - 1), this.opts.signal);
      const ingest = await store.openIngest(desc.digest);
      let keep = true;
      try {
        if (ingest.offset > desc.size) await ingest.truncate();
        const headers: Record<string, string> = {};
        if (ingest.offset > 0) headers.range = `bytes=${ingest.offset}-`;
        const res = await this.get(ref, `/v2/${ref.path}/blobs/${desc.digest}`, headers);
        let body: AsyncIterable<Buffer> = res;
        if (res.statusCode === 416 && ingest.offset === desc.size) {
          res.resume(); // we already have every byte
          body = (async function* () {})();
        }
        else if (res.statusCode === 200) {
          if (ingest.offset > 0) await ingest.truncate(); // the server ignored Range
        } else if (res.statusCode === 206) {
          const start = /bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1];
          if (Number(start) !== ingest.offset) {
            res.resume();
            await ingest.truncate();
            throw new RegistryError(ref.domain, 206, 'Content-Range does not continue the partial download');
          }
        } else if (res.statusCode === 404) {
          res.resume();
          keep = false;
          throw new ImageNotFoundError(formatReference(ref), `blob ${desc.digest} missing`);
        } else {
          await this.expectOk(ref, res);
        }
        // The listener must see every byte exactly once, in order: if the file does not
        // continue where the listener stopped (an earlier run's partial, a restart
        // from zero), it is cut off and told so.
        if (onChunk && ingest.offset !== sent) {
          onChunk = undefined;
          onRestart?.();
        }
        onBytes?.(ingest.offset);
        for await (const chunk of body) {
          if (ingest.offset + chunk.length > desc.size) {
            keep = false;
            res.destroy();
            throw new DigestMismatchError(desc.digest, 'unknown', `blob is larger than its ${desc.size} bytes`);
          }
          await ingest.write(chunk);
          if (onChunk) {
            await onChunk(chunk);
            sent += chunk.length;
          }
          onBytes?.(ingest.offset);
        }
        if (ingest.offset < desc.size && body === res && !res.complete) throw new RegistryUnreachableError(ref.domain, new Error('connection closed mid-blob'));
        keep = false; // commit removes the file itself when it fails
        await ingest.commit(desc.digest, desc.size);
        return;
      } catch (e) {
        await ingest.abort(keep);
        if (this.opts.signal?.aborted) throw new AbortedError();
        // Only network trouble is worth another try; wrong content or 4xx is final.
        if (!(e instanceof RegistryUnreachableError) && !(isNetworkError(e))) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }

  /** GET with auth: on a 401 answer the challenge once and retry. */
  private async get(ref: ImageReference, path: string, headers: Record<string, string>): Promise<IncomingMessage> {
    const url = `${this.baseUrl(ref.domain)}${path}`;
    const scopeKey = `${ref.domain}/${ref.path}`;
    const authHeader = this.tokens.get(scopeKey);
    const send = (auth: string | undefined): Promise<IncomingMessage> =>
      httpGet({ url, headers: { ...headers, ...(auth ? { authorization: auth } : {}) }, registryHost: ref.domain, ...this.common() });
    let res = await send(authHeader);
    if (res.statusCode !== 401) return res;
    const challenge = parseWwwAuthenticate(String(res.headers['www-authenticate'] ?? ''));
    res.resume();
    const creds = await this.credentialsFor(ref.domain);
    let auth: string;
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      auth = `Bearer ${await this.fetchToken(ref, challenge.params, creds)}`;
    } else if (challenge?.scheme === 'basic' && creds) {
      auth = basicHeader(creds);
    } else {
      throw new UnauthorizedError(ref.domain, creds ? 'unsupported authentication challenge' : 'registry wants credentials and none were given');
    }
    if (auth === authHeader) throw new UnauthorizedError(ref.domain, 'credentials refused');
    this.tokens.set(scopeKey, auth);
    res = await send(auth);
    if (res.statusCode === 401 || res.statusCode === 403) {
      res.resume();
      this.tokens.delete(scopeKey);
      throw new UnauthorizedError(ref.domain, creds ? 'credentials refused' : 'anonymous access refused (repository may not exist or may need credentials)');
    }
    return res;
  }

  private async fetchToken(ref: ImageReference, params: Record<string, string>, creds: Credentials | undefined): Promise<string> {
    const u = new URL(params.realm!);
    if (params.service) u.searchParams.set('service', params.service);
    u.searchParams.set('scope', params.scope ?? `repository:${ref.path}:pull`);
    const res = await httpGet({ url: u.toString(), headers: creds ? { authorization: basicHeader(creds) } : {}, registryHost: u.host, ...this.common() });
    if (res.statusCode === 401 || res.statusCode === 403) {
      res.resume();
      throw new UnauthorizedError(ref.domain, `token server ${u.host} refused ${creds ? 'the credentials' : 'anonymous access'}`);
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new RegistryError(u.host, res.statusCode ?? 0, 'token request failed');
    }
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse((await readBody(res, 1024 * 1024)).toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError(u.host, 200, 'token response is not JSON');
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError(u.host, 200, 'token response without a token');
    return token;
  }

  private common(): { signal?: AbortSignal; timeoutMs?: number } {
    return { ...(this.opts.signal ? { signal: this.opts.signal } : {}), ...(this.opts.idleTimeoutMs ? { timeoutMs: this.opts.idleTimeoutMs } : {}) };
  }

  private async credentialsFor(domain: string): Promise<Credentials | undefined> {
    if (this.opts.auth) return this.opts.auth;
    if (!this.opts.dockerConfigPath) return undefined;
    if (!this.creds.has(domain)) this.creds.set(domain, await credentialsFromDockerConfig(this.opts.dockerConfigPath, domain));
    return this.creds.get(domain);
  }

  private async expectOk(ref: ImageReference, res: IncomingMessage): Promise<void> {
    if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) return;
    let detail = '';
    try {
      detail = (await readBody(res, 64 * 1024)).toString('utf8').slice(0, 300);
    } catch {
      /* the status alone will do */
    }
    if (res.statusCode === 401 || res.statusCode === 403) throw new UnauthorizedError(ref.domain, detail);
    throw new RegistryError(ref.domain, res.statusCode ?? 0, detail || (res.statusMessage ?? ''));
  }
}

function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED'].includes(code);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new AbortedError());
    }, { once: true });
  });
}
