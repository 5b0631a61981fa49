// Image references, normalised the way Docker does it:
//   busybox                  -> docker.io/library/busybox:latest
//   127.0.0.1:5000/x/y:tag   -> 127.0.0.1:5000/x/y:tag
//   name@sha256:<hex>        -> pinned by digest (a tag beside it is kept for display)
import { InvalidReferenceError } from './errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

export interface ImageReference {
  /** Registry host as written, with port: `docker.io`, `127.0.0.1:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parse and normalise; a reference with neither tag nor digest gets `latest`. */
export function parseReference(input: string): ImageReference {
  const s = input.trim();
  if (s === '') throw new InvalidReferenceError(input, 'empty');
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(input, `bad digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new InvalidReferenceError(input, 'sha256 digest must be 64 lower-case hex digits');
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, `bad tag "${tag}"`);
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry host only if it looks like one.
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw new InvalidReferenceError(input, `bad registry host "${domain}"`);
    }
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (path === '') throw new InvalidReferenceError(input, 'empty repository name');
  for (const c of path.split('/')) {
    if (!COMPONENT.test(c)) throw new InvalidReferenceError(input, `bad repository component "${c}"`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `domain/path` without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised string: `docker.io/library/busybox:latest`, or `...@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** `name:tag` form (no digest); undefined for digest-only references. */
export function taggedName(ref: ImageReference): string | undefined {
  return ref.tag === undefined ? undefined : `${repositoryName(ref)}:${ref.tag}`;
}

/** `name@digest` for a given manifest digest. */
export function digestName(ref: ImageReference, digest: string): string {
  return `${repositoryName(ref)}@${digest}`;
}

/** The host to talk HTTP to: Docker Hub's API lives on registry-1.docker.io. */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
}

/** The host name without port and brackets, for loopback checks. */
export function hostnameOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const i = domain.lastIndexOf(':');
  return i >= 0 ? domain.slice(0, i) : domain;
}
