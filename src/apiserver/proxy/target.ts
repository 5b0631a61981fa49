// Which node request an API path stands for: pods/NAME/{log,exec,attach,portforward}
// become the kubelet's /containerLogs, /exec, /attach and /portForward paths (with the
// query translated into the kubelet's names), nodes/NAME/proxy/REST becomes /REST on
// that node. Pure functions of the path, the query and the Pod object.

import { ApiError, errors } from '../errors.js';
import { queryFlag } from '../../api/query-params.js';

export type ProxyRequest =
  | { kind: 'pod'; namespace: string; name: string; subresource: 'log' | 'exec' | 'attach' | 'portforward' }
  | { kind: 'node'; name: string; rest: string };

/** The proxy request a URL path names, or undefined when it names none. */
export function parseNodeProxyPath(pathname: string): ProxyRequest | undefined {
  const parts = pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  if (parts[2] === 'namespaces' && parts[4] === 'pods' && parts.length === 7) {
    const sub = parts[6];
    if (sub === 'log' || sub === 'exec' || sub === 'attach' || sub === 'portforward') return { kind: 'pod', namespace: parts[3], name: parts[5], subresource: sub };
    return undefined;
  }
  if (parts[2] === 'nodes' && parts.length >= 5 && parts[4] === 'proxy') {
    // Keep the rest of the path as sent (encoded), with its trailing slash if any.
    const raw = pathname.split('/').slice(6).join('/');
    return { kind: 'node', name: parts[3], rest: `/${raw}` };
  }
  return undefined;
}

export interface PodLike {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}

export const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container';

/** The container a request is for: the one named, the pod's only one, or its default-container annotation. */
export function chooseContainer(pod: PodLike, requested: string | null): string {
  const name = pod.metadata.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (requested) {
    if (![...containers, ...inits, ...ephemeral].includes(requested)) {
      throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (containers.length === 1) return containers[0];
  const annotated = pod.metadata.annotations?.[defaultContainerAnnotation];
  if (annotated && containers.includes(annotated)) return annotated;
  let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
  if (inits.length > 0) msg += ` or one of the init containers: [${inits.join(' ')}]`;
  if (ephemeral.length > 0) msg += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
  throw errors.badRequest(msg);
}

const logParams = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes', 'stream'] as const;

const isTrue = queryFlag;

/** The path and query on the node's streaming server for a pod subresource. */
export function kubeletPodPath(req: Extract<ProxyRequest, { kind: 'pod' }>, pod: PodLike, q: URLSearchParams): string {
  const seg = (s: string) => encodeURIComponent(s);
  const base = `${seg(req.namespace)}/${seg(req.name)}`;
  const out = new URLSearchParams();
  switch (req.subresource) {
    case 'log': {
      const c = chooseContainer(pod, q.get('container'));
      for (const p of logParams) for (const v of q.getAll(p)) out.append(p, v);
      return `/containerLogs/${base}/${seg(c)}${out.size ? `?${out}` : ''}`;
    }
    case 'exec':
    case 'attach': {
      const c = chooseContainer(pod, q.get('container'));
      if (req.subresource === 'exec') for (const cmd of q.getAll('command')) out.append('command', cmd);
      // The kubelet's names for the stream flags, as the API server has always sent them.
      if (isTrue(q, 'stdin')) out.set('input', '1');
      if (isTrue(q, 'stdout')) out.set('output', '1');
      if (isTrue(q, 'stderr')) out.set('error', '1');
      if (isTrue(q, 'tty')) out.set('tty', '1');
      return `/${req.subresource}/${base}/${seg(c)}?${out}`;
    }
    case 'portforward':
      for (const p of q.getAll('ports')) out.append('port', p);
      return `/portForward/${base}${out.size ? `?${out}` : ''}`;
  }
}

export function requireBoundPod(pod: PodLike): string {
  const node = pod.spec?.nodeName;
  if (!node) throw new ApiError(400, 'BadRequest', `pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  return node;
}
