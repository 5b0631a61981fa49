// Parsing of plugin output: a success result, or the spec's error object.
import type { CniErrorOutput, CniResult } from './types.js';

/** Parses an ADD/CHECK result; returns undefined when stdout is empty (DEL, CHECK). */
export function parseResult(stdout: string): CniResult | undefined {
  const text = stdout.trim();
  if (text === '') return undefined;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError('CNI result is not a JSON object');
  }
  return value as CniResult;
}

/** Reads the spec's error object from a failed plugin's stdout, if it wrote one. */
export function parseErrorOutput(stdout: string): CniErrorOutput | undefined {
  try {
    const v = parseResult(stdout) as Record<string, unknown> | undefined;
    if (v && typeof v.code === 'number' && typeof v.msg === 'string') {
      const out: CniErrorOutput = { code: v.code, msg: v.msg };
      if (typeof v.details === 'string' && v.details !== '') out.details = v.details;
      if (typeof v.cniVersion === 'string') out.cniVersion = v.cniVersion;
      return out;
    }
  } catch {
    // Not JSON: the caller reports stderr instead.
  }
  return undefined;
}

/**
 * The pod's addresses: the IPs on interfaces inside the sandbox (those with `sandbox`
 * set), without prefix length, IPv4 first as Kubernetes orders status.podIPs for a
 * v4-primary cluster. IPs without an interface index count too (older plugins omit it).
 */
export function podIPsOf(result: CniResult): string[] {
  const ifaces = result.interfaces ?? [];
  const ips: string[] = [];
  for (const ip of result.ips ?? []) {
    if (ip.interface !== undefined) {
      const iface = ifaces[ip.interface];
      if (!iface || !iface.sandbox) continue;
    }
    const addr = ip.address.split('/')[0];
    if (addr && !ips.includes(addr)) ips.push(addr);
  }
  const v4 = ips.filter((a) => !a.includes(':'));
  const v6 = ips.filter((a) => a.includes(':'));
  return [...v4, ...v6];
}
