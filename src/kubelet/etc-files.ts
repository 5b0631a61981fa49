// The per-pod files the kubelet writes and bind-mounts into every container: /etc/hosts
// (localhost, the pod's IP with its hostname, hostAliases), /etc/hostname and
// /etc/resolv.conf per dnsPolicy, kept under <rootDir>/pods/<uid>/.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Mount } from '../runtime/cri.js';
import type { Pod } from './types.js';

export interface DnsSettings {
  clusterDNS: string[];
  clusterDomain: string;
  /** The host's resolv.conf, for dnsPolicy Default and hostNetwork pods with ClusterFirst. */
  hostResolvConf: string;
}

export const defaultDns: DnsSettings = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: '/etc/resolv.conf' };

export interface DnsConfig { servers: string[]; searches: string[]; options: string[] }

function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const [k, ...rest] = line.trim().split(/\s+/);
    if (k === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (k === 'search') out.searches = rest;
    else if (k === 'options') out.options.push(...rest);
  }
  return out;
}

/** The pod's DNS as the kubelet computes it from dnsPolicy and dnsConfig. */
export async function podDnsConfig(pod: Pod, dns: DnsSettings): Promise<DnsConfig> {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const host = async () => parseResolvConf(await readFile(dns.hostResolvConf, 'utf8').catch(() => ''));
  let base: DnsConfig;
  // ClusterFirst falls back to the host's DNS for hostNetwork pods; ClusterFirstWithHostNet does not.
  const cluster = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork);
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (cluster && dns.clusterDNS.length) {
    const ns = pod.metadata.namespace ?? 'default';
    const d = dns.clusterDomain;
    base = { servers: [...dns.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d], options: ['ndots:5'] };
  } else base = await host();
  const extra = pod.spec.dnsConfig;
  if (extra) {
    base.servers = [...new Set([...base.servers, ...(extra.nameservers ?? [])])].slice(0, 3);
    base.searches = [...new Set([...base.searches, ...(extra.searches ?? [])])].slice(0, 32);
    const opts = new Map(base.options.map((o) => [o.split(':')[0], o]));
    for (const o of extra.options ?? []) opts.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    base.options = [...opts.values()];
  }
  return base;
}

export function resolvConfText(d: DnsConfig): string {
  const lines = d.servers.map((s) => `nameserver ${s}`);
  if (d.searches.length) lines.push(`search ${d.searches.join(' ')}`);
  if (d.options.length) lines.push(`options ${d.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name || 'pod').slice(0, 63);
}

export function hostsText(pod: Pod, podIPs: string[], clusterDomain: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const name = podHostname(pod);
  const fqdn = pod.spec.subdomain ? `${name}.${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  for (const ip of podIPs) lines.push(fqdn ? `${ip}\t${fqdn}\t${name}` : `${ip}\t${name}`);
  if (pod.spec.hostAliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of pod.spec.hostAliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes the pod's etc files and answers the mounts for its containers. hostNetwork
 * pods see the host's /etc/hosts, as the kubelet does, with the hostAliases appended.
 */
export async function writePodEtcFiles(podDir: string, pod: Pod, podIPs: string[], dns: DnsSettings): Promise<Mount[]> {
  await mkdir(podDir, { recursive: true });
  const hosts = path.join(podDir, 'etc-hosts');
  const hostname = path.join(podDir, 'etc-hostname');
  const resolv = path.join(podDir, 'etc-resolv.conf');
  let hostsContent: string;
  if (pod.spec.hostNetwork) {
    hostsContent = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
    if (pod.spec.hostAliases?.length) {
      hostsContent += '\n# Entries added by HostAliases.\n' + pod.spec.hostAliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}`).join('\n') + '\n';
    }
  } else hostsContent = hostsText(pod, podIPs, dns.clusterDomain);
  await writeFile(hosts, hostsContent);
  // hostNetwork pods share the node's UTS namespace in Kubernetes, so they see its name.
  await writeFile(hostname, (pod.spec.hostNetwork ? os.hostname() : podHostname(pod)) + '\n');
  await writeFile(resolv, resolvConfText(await podDnsConfig(pod, dns)));
  return [
    { containerPath: '/etc/hosts', hostPath: hosts },
    { containerPath: '/etc/hostname', hostPath: hostname },
    { containerPath: '/etc/resolv.conf', hostPath: resolv },
  ];
}
