// Registry credentials: given directly, or looked up in a docker-style config file
// ({"auths": {"host": {"auth": base64("user:pass")}}}), as docker login writes it.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DOMAIN } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function defaultDockerConfigPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

// Docker writes Docker Hub's entry under its legacy v1 URL.
const HUB_KEYS = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/'];

function normaliseKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

/** Credentials for a registry domain from a docker config file; undefined if none. */
export async function credentialsFromDockerConfig(path: string, domain: string): Promise<Credentials | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined; // no file or unreadable: anonymous, as docker does
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const auths = (json as { auths?: unknown }).auths;
  if (typeof auths !== 'object' || auths === null) return undefined;
  const wanted = domain === DEFAULT_DOMAIN ? HUB_KEYS.map(normaliseKey) : [domain];
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    if (!wanted.includes(normaliseKey(key)) || typeof value !== 'object' || value === null) continue;
    const v = value as { auth?: unknown; username?: unknown; password?: unknown };
    if (typeof v.auth === 'string' && v.auth !== '') {
      const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
    }
    if (typeof v.username === 'string' && typeof v.password === 'string') return { username: v.username, password: v.password };
  }
  return undefined;
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse `Bearer realm="...",service="...",scope="..."` (quoted or bare values). */
export function parseWwwAuthenticate(header: string): AuthChallenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!)) !== null) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: m[1]!.toLowerCase(), params };
}
