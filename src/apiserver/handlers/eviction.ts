// POST pods/NAME/eviction: a delete that respects PodDisruptionBudgets, as `kubectl
// drain` uses it. A pod covered by a budget with no disruptions left is refused with
// 429; otherwise the budget's allowance is spent (a compare-and-swap on its status)
// before the pod is deleted.

import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { ApiError, errors } from '../errors.js';
import { readDecodedBody } from '../http/body.js';
import { sendBody } from '../http/negotiate.js';
import { isObject, type KObject } from '../kobject.js';
import { rfc3339 } from '../registry/object-store.js';
import type { RequestScope, ServerContext } from './context.js';

function matches(pdb: KObject, pod: KObject): boolean {
  const spec = isObject(pdb.spec) ? pdb.spec : {};
  if (spec.selector === undefined || spec.selector === null) return false;
  try {
    return labelSelectorFromObject(spec.selector as Parameters<typeof labelSelectorFromObject>[0]).matches(pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}

/** Pods that are not running can go whatever their budget says, as in Kubernetes. */
function ignoresBudget(pod: KObject): boolean {
  const phase = isObject(pod.status) ? pod.status.phase : undefined;
  return pod.metadata.deletionTimestamp !== undefined || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
}

export async function handleEviction(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  if (info.verb !== 'create') throw errors.methodNotAllowed('only POST is allowed on pods/eviction');
  const body = await readDecodedBody(req);
  const eviction = isObject(body) ? body : {};
  const meta = isObject(eviction.metadata) ? eviction.metadata : {};
  const name = info.name as string;
  const namespace = info.namespace as string;
  if (meta.name !== undefined && meta.name !== name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
  const deleteOptions = isObject(eviction.deleteOptions) ? eviction.deleteOptions : {};
  const dryRun = scope.query.getAll('dryRun').length > 0 || (Array.isArray(deleteOptions.dryRun) && deleteOptions.dryRun.length > 0);

  const pod = (await ctx.objects.get(r, namespace, name)).obj;
  if (!ignoresBudget(pod)) {
    const pdbs = ctx.registry.lookup('policy', 'v1', 'poddisruptionbudgets')!;
    const covering = (await ctx.objects.list(pdbs, namespace)).items.map((e) => e.obj).filter((p) => matches(p, pod));
    if (covering.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (covering.length === 1) {
      await ctx.objects.update(pdbs, namespace, covering[0].metadata.name as string, (current) => {
        if (!current) throw errors.notFound('policy', 'poddisruptionbudgets', String(covering[0].metadata.name));
        const status = isObject(current.status) ? current.status : {};
        const allowed = typeof status.disruptionsAllowed === 'number' ? status.disruptionsAllowed : 0;
        if ((status.observedGeneration ?? 0) !== (current.metadata.generation ?? 0) || allowed <= 0) {
          throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
            causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${current.metadata.name} needs ${String(status.desiredHealthy ?? 0)} healthy pods and has ${String(status.currentHealthy ?? 0)} currently` }],
          });
        }
        status.disruptionsAllowed = allowed - 1;
        status.disruptedPods = { ...(isObject(status.disruptedPods) ? status.disruptedPods : {}), [name]: rfc3339(ctx.now()) };
        current.status = status;
        return current;
      }, { user: scope.user, dryRun, subresource: 'status' });
    }
  }
  const grace = typeof deleteOptions.gracePeriodSeconds === 'number' ? deleteOptions.gracePeriodSeconds : undefined;
  const pre = isObject(deleteOptions.preconditions) ? deleteOptions.preconditions : undefined;
  await ctx.objects.delete(r, namespace, name, {
    gracePeriodSeconds: grace,
    preconditions: pre ? { uid: pre.uid as string | undefined, resourceVersion: pre.resourceVersion as string | undefined } : undefined,
  }, { user: scope.user, dryRun });
  sendBody(scope.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
