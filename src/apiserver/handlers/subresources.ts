// Subresources that are not the object itself: scale, binding, and namespace finalize.

import type { ResourceType } from '../../api/resources.js';
import { errors } from '../errors.js';
import { decode, mediaType, readBody, readDecodedBody } from '../http/body.js';
import { sendBody } from '../http/negotiate.js';
import { getPath, isObject, setPath, type KObject } from '../kobject.js';
import { rfc3339 } from '../registry/object-store.js';
import type { PatchType } from '../seams.js';
import type { RequestScope, ServerContext } from './context.js';

/** A metav1.LabelSelector in its query-string form, as Scale's status.selector reports it. */
export function selectorString(sel: unknown): string {
  if (!isObject(sel)) return '';
  const parts: string[] = [];
  const labels = isObject(sel.matchLabels) ? sel.matchLabels : {};
  for (const k of Object.keys(labels).sort()) parts.push(`${k}=${String(labels[k])}`);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  for (const e of exprs) {
    if (!isObject(e)) continue;
    const values = Array.isArray(e.values) ? [...(e.values as string[])].sort().join(',') : '';
    switch (e.operator) {
      case 'In': parts.push(`${String(e.key)} in (${values})`); break;
      case 'NotIn': parts.push(`${String(e.key)} notin (${values})`); break;
      case 'Exists': parts.push(String(e.key)); break;
      case 'DoesNotExist': parts.push(`!${String(e.key)}`); break;
    }
  }
  return parts.join(',');
}

function scaleOf(r: ResourceType, obj: KObject): KObject {
  const sc = r.scale!;
  const selector = sc.labelSelectorPath ? getPath(obj, 'spec.selector') : undefined;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (getPath(obj, sc.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, sc.statusReplicasPath) as number | undefined) ?? 0, selector: selectorString(selector) },
  };
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

export async function handleScale(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  if (!r.scale) throw errors.notFoundPath();
  const name = info.name as string;
  if (info.verb === 'get') {
    const entry = await ctx.objects.get(r, info.namespace, name);
    sendBody(scope.res, 200, scaleOf(r, entry.obj), scope.out.yaml);
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw errors.methodNotAllowed(`${info.verb} is not supported on ${r.plural}/scale`);
  let body: unknown;
  let patchType: PatchType | undefined;
  if (info.verb === 'update') {
    body = await readDecodedBody(req);
  } else {
    patchType = patchTypes[mediaType(req.headers['content-type'])];
    if (!patchType) throw errors.unsupportedMediaType(req.headers['content-type'] ?? '');
    body = decode(await readBody(req), 'json');
  }
  const dryRun = scope.query.getAll('dryRun').length > 0;
  const scaleResource = { ...r, kind: 'Scale', group: 'autoscaling', version: 'v1' };
  const { obj } = await ctx.objects.update(r, info.namespace, name, (current) => {
    if (!current) throw errors.notFound(r.group, r.plural, name);
    const currentScale = scaleOf(r, current);
    const wanted = patchType ? ctx.seams.patcher.patch(scaleResource, patchType, currentScale, body) : body;
    if (!isObject(wanted) || !isObject(wanted.spec)) throw errors.badRequest('the body must be a Scale object with spec.replicas');
    const replicas = wanted.spec.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('autoscaling', 'Scale', name, `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const wantedMeta = isObject(wanted.metadata) ? wanted.metadata : {};
    if (!patchType && wantedMeta.resourceVersion) current.metadata.resourceVersion = String(wantedMeta.resourceVersion);
    setPath(current, r.scale!.specReplicasPath, replicas);
    return current;
  }, { user: scope.user, dryRun, subresource: 'scale' });
  sendBody(scope.res, 200, scaleOf(r, obj), scope.out.yaml);
}

/** POST pods/NAME/binding: the scheduler's assignment of a pod to a node. */
export async function handleBinding(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  if (info.verb !== 'create') throw errors.methodNotAllowed('only POST is allowed on pods/binding');
  const body = await readDecodedBody(req);
  const target = isObject(body) && isObject(body.target) ? body.target : undefined;
  const nodeName = target?.name;
  if (typeof nodeName !== 'string' || nodeName === '') throw errors.badRequest('a binding needs target.name, the node to bind to');
  const name = info.name as string;
  await ctx.objects.update(r, info.namespace, name, (current) => {
    if (!current) throw errors.notFound(r.group, r.plural, name);
    const spec = isObject(current.spec) ? current.spec : {};
    if (current.metadata.deletionTimestamp) throw errors.conflict('', 'pods', name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw errors.conflict('', 'pods', name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
    spec.nodeName = nodeName;
    current.spec = spec;
    const status = isObject(current.status) ? current.status : {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isObject(c) && c.type === 'PodScheduled'));
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(ctx.now()) });
    status.conditions = conditions;
    current.status = status;
    return current;
  }, { user: scope.user, subresource: 'binding' });
  sendBody(scope.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** PUT namespaces/NAME/finalize: only spec.finalizers change (the namespace controller's last step). */
export async function handleFinalize(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  if (info.verb !== 'update') throw errors.methodNotAllowed('only PUT is allowed on namespaces/finalize');
  const body = await readDecodedBody(req);
  const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  const name = info.name as string;
  const { obj } = await ctx.objects.update(r, undefined, name, (current) => {
    if (!current) throw errors.notFound(r.group, r.plural, name);
    current.spec = { ...(isObject(current.spec) ? current.spec : {}), finalizers };
    return current;
  }, { user: scope.user, subresource: 'finalize' });
  sendBody(scope.res, 200, obj, scope.out.yaml);
}

/** POST serviceaccounts/NAME/token: a TokenRequest answered with a signed token for that account. */
export async function handleTokenRequest(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  if (info.verb !== 'create') throw errors.methodNotAllowed('only POST is allowed on serviceaccounts/token');
  if (!ctx.tokens) throw errors.notFoundPath();
  const body = await readDecodedBody(req);
  const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
  const name = info.name as string;
  const namespace = info.namespace as string;
  const sa = (await ctx.objects.get(r, namespace, name)).obj;
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600 || expirationSeconds > 2 ** 32) {
    throw errors.invalid('authentication.k8s.io', 'TokenRequest', name, `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`, [{ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: 'may not specify a duration less than 10 minutes' }]);
  }
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? (spec.audiences as string[]) : ['https://kubernetes.default.svc.cluster.local'];
  let pod: { name: string; uid: string } | undefined;
  const bound = isObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
  if (bound && bound.kind === 'Pod') {
    const pods = ctx.registry.lookup('', 'v1', 'pods')!;
    const p = (await ctx.objects.get(pods, namespace, String(bound.name))).obj;
    if (bound.uid && bound.uid !== p.metadata.uid) throw errors.conflict('', 'pods', String(bound.name), `the UID in the bound object reference (${String(bound.uid)}) does not match the UID in record`);
    pod = { name: String(p.metadata.name), uid: String(p.metadata.uid) };
  }
  const { token, expiresAt } = ctx.tokens.issue({ namespace, serviceAccount: { name, uid: String(sa.metadata.uid) }, pod, audiences, expirationSeconds });
  sendBody(scope.res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: rfc3339(ctx.now()) },
    spec: { audiences, expirationSeconds, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: rfc3339(expiresAt) },
  }, scope.out.yaml);
}
