// `k8ts server`: wires the control plane together and serves it.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ResourceRegistry } from '../api/resources.js';
import { openStore, type StoreKind } from '../storage/index.js';
import { WatchCache, type TriggerIndexes } from '../apiserver/watch-cache.js';
import { ObjectStore } from '../apiserver/registry/object-store.js';
import { objectKey, storageResourceOf } from '../apiserver/registry/keys.js';
import { namespaceLifecycle } from '../apiserver/admission/namespace-lifecycle.js';
import { defaultTolerationSeconds } from '../apiserver/admission/default-tolerations.js';
import { limitRanger } from '../apiserver/admission/limit-ranger.js';
import { storeLookup, type AdmissionLookup } from '../apiserver/admission/lookup.js';
import { podPriority } from '../apiserver/admission/pod-priority.js';
import { serviceAccountAdmission } from '../apiserver/admission/service-account.js';
import { serviceAllocation } from '../apiserver/admission/service-allocation.js';
import { resourceQuota } from '../apiserver/admission/resource-quota.js';
import { builtinSeams } from '../apiserver/builtin/index.js';
import { builtinHooks } from '../apiserver/builtin/hooks.js';
import { builtinOpenApi } from '../apiserver/builtin/openapi.js';
import { createRequestHandler } from '../apiserver/server.js';
import { bearerTokenAuthenticator, certificateAuthenticator, inProcessAuthenticator, staticTokens, unionAuthenticator } from '../apiserver/authn.js';
import { allowAll } from '../apiserver/handlers/reviews.js';
import { ensureClusterPki, issueCertificate, type ClusterPki } from '../apiserver/pki.js';
import { RestClient } from '../client/rest-client.js';
import { InProcessTransport, inProcessPeer } from '../client/in-process-transport.js';
import type { Transport } from '../client/transport.js';
import type { UserInfo } from '../apiserver/registry/hooks.js';
import { handleNodeProxy, parseNodeProxyPath, type GetNode, type NodeProxyOptions, type PodLike } from '../apiserver/proxy/index.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { primaryIPv4 } from '../kubelet/node/index.js';
import { kubernetesVersion, startNodeAgent, type NodeAgent } from './agent.js';

export { kubernetesVersion };
import { ServiceAccountTokens } from '../apiserver/serviceaccount-tokens.js';
import { ensureKubernetesService, ensureSystemNamespaces } from '../apiserver/bootstrap.js';
import type { KObject } from '../apiserver/kobject.js';
import { writeKubeconfig } from '../client/kubeconfig.js';
import { FlagError, parseFlags } from './flags.js';
import { startControllers } from './controllers.js';
import { parseSchedulerConfig, type SchedulerConfig } from '../scheduler/config.js';
import { logger, type Logger } from './log.js';
import { joinEndpoint } from './join/endpoint.js';
import { readOrCreateJoinToken } from './join/token.js';

const usage = `usage: k8ts server [flags]

  --data-dir DIR          where state, certificates and the kubeconfig live (default /var/lib/k8ts)
  --bind-address ADDR     address the API server listens on (default 127.0.0.1; 0.0.0.0 for agents on other machines)
  --advertise-address IP  address clients, agents and pods reach the API server at (default: the bind address,
                          or this machine's first non-loopback IPv4 when binding a wildcard)
  --https-port PORT       port of the API server (default 6443)
  --datastore KIND        sqlite (default) or memory
  --disable-agent         run the control plane only, no node agent on this machine
  --disable-controllers   run the API server alone (no controllers)
  --default-not-ready-toleration-seconds N     how long pods tolerate a not-ready node (default 300)
  --default-unreachable-toleration-seconds N   how long pods tolerate an unreachable node (default 300)
  --scheduler-config FILE  a KubeSchedulerConfiguration (e.g. NodeResourcesFit scoringStrategy MostAllocated)
  --node-monitor-grace-period D   how long a silent node stays Ready, e.g. 40s (default) or 1m
  --tls-san NAME          another host name or IP the API server's certificate names (repeatable), for agents that reach it so

Agents on other machines join with the token the server keeps in <data-dir>/token:
  k8ts agent --server https://<this machine>:6443 --token "$(cat <data-dir>/token)"
`;


/** A Go-style duration of whole units (`40s`, `2m`, `1h`, `500ms`), in milliseconds. */
function parseDuration(s: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Fields watchers trigger on, as kube-apiserver's cacher indexes pods by node. */
const watchTriggers: TriggerIndexes = {
  pods: { 'spec.nodeName': (pod) => String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '') },
};

/** How the API server reaches nodes' streaming servers: with a kubelet-client certificate from the cluster CA. */
async function nodeProxyOptionsFor(lookup: AdmissionLookup, pki: ClusterPki): Promise<NodeProxyOptions> {
  const client = await issueCertificate(pki.ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  return {
    getPod: (ns, name) => lookup.get('', 'pods', ns, name) as Promise<PodLike | undefined>,
    getNode: (name) => lookup.get('', 'nodes', undefined, name) as ReturnType<GetNode>,
    ca: pki.ca.certPem,
    clientCert: client.certPem,
    clientKey: client.keyPem,
  };
}

/**
 * This machine's node agent, with credentials the server makes itself (it holds the
 * CA). A failing agent is logged and the control plane goes on serving.
 */
async function startOwnAgent(o: { dataDir: string; pki: ClusterPki; transport: Transport; log: Logger }): Promise<NodeAgent | undefined> {
  try {
    const nodeName = hostname().toLowerCase();
    const servingCert = await issueCertificate(o.pki.ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], dnsNames: [nodeName, 'localhost'], ips: [...new Set(['127.0.0.1', primaryIPv4()])], usage: 'server' });
    const client = new RestClient({ transport: o.transport, userAgent: `k8ts-kubelet/${nodeName}` });
    return await startNodeAgent({
      client, dataDir: o.dataDir, nodeName, isServer: true, kubeletVersion: kubernetesVersion.gitVersion, servingCert, caPem: o.pki.ca.certPem,
      podCIDRHint: '10.42.0.0/24', apiService: { host: '10.43.0.1', port: 443 },
    });
  } catch (err) {
    o.log.error(`node agent failed to start, serving the control plane only: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return undefined;
  }
}

/** The key service account tokens are signed with, made on first start. */
async function readOrCreateServiceAccountKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await writeFile(path, pem, { mode: 0o600 });
    return pem;
  }
}

async function readOrCreateToken(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const token = randomBytes(24).toString('hex');
    await writeFile(path, token + '\n', { mode: 0o600 });
    return token;
  }
}

export async function runServer(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, {
      values: {
        'data-dir': '/var/lib/k8ts', 'bind-address': '127.0.0.1', 'https-port': '6443', datastore: 'sqlite',
        'default-not-ready-toleration-seconds': '300', 'default-unreachable-toleration-seconds': '300',
        'scheduler-config': undefined, 'node-monitor-grace-period': '40s', 'advertise-address': undefined,
      },
      switches: ['disable-agent', 'disable-controllers', 'help'],
      repeated: ['tls-san'],
      aliases: { h: 'help' },
    });
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`k8ts server: ${err.message}\n${usage}`);
      return 2;
    }
    throw err;
  }
  if (flags.switches.has('help')) {
    process.stdout.write(usage);
    return 0;
  }
  const dataDir = flags.values['data-dir'] as string;
  const bindAddress = flags.values['bind-address'] as string;
  const port = Number(flags.values['https-port']);
  const datastore = flags.values.datastore as string;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`k8ts server: invalid --https-port ${JSON.stringify(flags.values['https-port'])}: want a port number\n`);
    return 2;
  }
  if (datastore !== 'sqlite' && datastore !== 'memory') {
    process.stderr.write(`k8ts server: invalid --datastore ${JSON.stringify(datastore)}: want sqlite or memory\n`);
    return 2;
  }
  const notReadySeconds = Number(flags.values['default-not-ready-toleration-seconds']);
  const unreachableSeconds = Number(flags.values['default-unreachable-toleration-seconds']);
  for (const [flag, v] of [['default-not-ready-toleration-seconds', notReadySeconds], ['default-unreachable-toleration-seconds', unreachableSeconds]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      process.stderr.write(`k8ts server: invalid --${flag} ${JSON.stringify(flags.values[flag])}: want a whole number of seconds\n`);
      return 2;
    }
  }
  const nodeMonitorGracePeriodMs = parseDuration(flags.values['node-monitor-grace-period'] as string);
  if (nodeMonitorGracePeriodMs === undefined) {
    process.stderr.write(`k8ts server: invalid --node-monitor-grace-period ${JSON.stringify(flags.values['node-monitor-grace-period'])}: want a duration such as 40s or 1m\n`);
    return 2;
  }
  let schedulerConfig: SchedulerConfig | undefined;
  const schedulerConfigPath = flags.values['scheduler-config'];
  if (schedulerConfigPath) {
    try {
      schedulerConfig = parseSchedulerConfig(await readFile(schedulerConfigPath, 'utf8'));
    } catch (err) {
      process.stderr.write(`k8ts server: --scheduler-config ${schedulerConfigPath}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }
  if (flags.positional.length > 0) {
    process.stderr.write(`k8ts server: unexpected argument ${JSON.stringify(flags.positional[0])}\n${usage}`);
    return 2;
  }

  const log = logger('server');
  const started = Date.now();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Where clients, agents on other machines and the `kubernetes` Service reach this server:
  // a wildcard bind is reached at this machine's own address.
  const advertise = flags.values['advertise-address'] ?? (bindAddress === '0.0.0.0' || bindAddress === '::' ? primaryIPv4() : bindAddress);
  if (isIP(advertise) === 0) {
    process.stderr.write(`k8ts server: invalid --advertise-address ${JSON.stringify(advertise)}: want an IP address\n`);
    return 2;
  }
  // Agents on other machines reach the server at this machine's address (or a --tls-san), which its certificate must name.
  const sans = flags.lists['tls-san'] ?? [];
  const pki = await ensureClusterPki(join(dataDir, 'tls'), {
    dnsNames: [...new Set(['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...sans.filter((n) => isIP(n) === 0)])],
    ips: [...new Set(['127.0.0.1', advertise, primaryIPv4(), '10.43.0.1', ...sans.filter((n) => isIP(n) !== 0)])],
  });
  const adminToken = await readOrCreateToken(join(dataDir, 'admin-token'));
  const tokens = new ServiceAccountTokens(await readOrCreateServiceAccountKey(join(dataDir, 'tls', 'service-account.key')));
  const adminTokens = staticTokens({ [adminToken]: { username: 'admin', groups: ['system:masters'] } });
  const lookupToken = (t: string) => adminTokens(t) ?? tokens.authenticate(t);

  const registry = new ResourceRegistry();
  const store = await openStore(datastore as StoreKind, { dataDir });
  const cache = new WatchCache({ store, resourceOf: storageResourceOf(registry.all), log: (m) => log.warn(m), triggers: watchTriggers });
  await cache.start();
  const namespaces = registry.lookup('', 'v1', 'namespaces')!;
  // Every create asks: the watch cache answers; only a namespace it has not seen yet
  // (created a moment ago) costs a read of the store.
  const lookupNamespace = async (name: string): Promise<KObject | undefined> => {
    const key = objectKey(namespaces, undefined, name);
    const cached = cache.get(namespaces.storageResource, key);
    if (cached) return cached.obj;
    const kv = await store.get(key);
    return kv ? (JSON.parse(kv.value) as KObject) : undefined;
  };
  // Admission plugins read other objects through the store, which is made just below.
  let objects: ObjectStore | undefined;
  const lookup = storeLookup(registry, () => objects!);
  const hooks = builtinHooks([
    namespaceLifecycle(lookupNamespace),
    serviceAccountAdmission(lookup),
    podPriority(lookup),
    defaultTolerationSeconds(notReadySeconds, unreachableSeconds),
    limitRanger(lookup),
    serviceAllocation(lookup),
    resourceQuota(lookup),
  ]);
  // The garbage collector runs among the controllers: Foreground and Orphan deletes get its finalizers.
  objects = new ObjectStore({ store, cache, hooks, storageTypeOf: (r) => registry.storageType(r), garbageCollector: !flags.switches.has('disable-controllers') });
  await ensureSystemNamespaces(registry, objects);
  await ensureKubernetesService(registry, objects, { ip: advertise, port });

  const nodeProxyOptions = await nodeProxyOptionsFor(lookup, pki);
  // The server's own controllers, scheduler and node agent call it in process, as the
  // admin (what their certificate said when they came over TLS), with no TLS or sockets.
  const ownComponents: UserInfo = { username: 'admin', groups: ['system:masters'] };
  const authenticator = unionAuthenticator(
    certificateAuthenticator(), bearerTokenAuthenticator(lookupToken),
    inProcessAuthenticator((socket) => (inProcessPeer(socket) === ownComponents ? ownComponents : undefined)),
  );
  // Agents join with this token (k3s' form, carrying the CA's hash); it opens the join endpoint only.
  const joinTokenPath = join(dataDir, 'token');
  const joinToken = await readOrCreateJoinToken(joinTokenPath, pki.ca.certPem);
  const joinRequests = joinEndpoint({ ca: pki.ca, token: joinToken, log: logger('join') });
  const apiHandler = createRequestHandler({
    context: { registry, objects, cache, seams: builtinSeams(), authorizer: allowAll, tokens, now: () => new Date(), nodeProxy: (req, res) => handleNodeProxy(nodeProxyOptions, req, res) },
    authenticator,
    lookupToken,
    openapi: builtinOpenApi(registry),
    version: kubernetesVersion,
    advertiseAddress: `${advertise}:${port}`,
    ready: () => true,
    log: (m) => log.error(m),
  });
  const handler: typeof apiHandler = (req, res) => {
    if (!joinRequests(req, res)) apiHandler(req, res);
  };
  const server = createServer({ key: pki.serving.keyPem, cert: pki.serving.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false }, handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindAddress, () => resolve());
  });
  server.on('error', (err) => log.error(`https server: ${err.message}`));
  // exec, attach and port-forward arrive as upgrades (WebSocket or SPDY), which Node hands
  // to this event rather than to the request handler.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!authenticator.authenticate(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!parseNodeProxyPath(new URL(req.url ?? '/', 'https://apiserver').pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    void handleNodeProxy(nodeProxyOptions, req, socket, head);
  });

  const serverUrl = `https://${advertise.includes(':') ? `[${advertise}]` : advertise}:${port}`;
  const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
  writeKubeconfig(kubeconfigPath, { server: serverUrl, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, user: 'admin', cluster: 'k8ts', context: 'k8ts' });
  const inProcess = new InProcessTransport(handler, { peer: ownComponents });
  const controllers = flags.switches.has('disable-controllers') ? undefined : await startControllers({ transport: inProcess, ca: pki.ca.certPem, log, schedulerConfig, nodeMonitorGracePeriodMs });
  const agent = flags.switches.has('disable-agent') ? undefined : await startOwnAgent({ dataDir, pki, transport: inProcess, log });
  // Printed as k3s' install prints it, for the operator setting up the next machine; it opens only the join endpoint.
  log.info(`join token (kept in ${joinTokenPath}): ${joinToken}; on another machine: k8ts agent --server ${serverUrl} --token ${joinToken}`);
  log.info(`ready in ${Date.now() - started} ms: API server at ${serverUrl}, kubeconfig at ${kubeconfigPath}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: shutting down`);
      await agent?.stop();
      await controllers?.stop();
      inProcess.close();
      cache.close();
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
      log.info('stopped');
      resolve(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
}
