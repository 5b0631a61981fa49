// Printers of the workload controllers: deployments, replica sets, stateful sets,
// daemon sets, replication controllers, controller revisions, jobs and cron jobs.

import { type JsonObject, bool, num, obj, objs, str, strMap } from '../../api/validation/json.js';
import { humanDuration, parseTime, since } from './duration.js';
import { containerCells, formatLabelSelector, formatLabels, selectorString, templateSpec } from './format.js';
import { type Printer, ageCol, col, containersCol, imagesCol, nameCol, selectorCol } from './types.js';

const name = (o: JsonObject): string => str(obj(o, 'metadata'), 'name');
const age = (o: JsonObject, now: Date): string => since(str(obj(o, 'metadata'), 'creationTimestamp'), now);
const n = (o: JsonObject | undefined, k: string): number => num(o, k) ?? 0;

export const deploymentPrinter: Printer = {
  columns: [
    nameCol,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Number of pods running the newest template.'),
    col('Available', 'string', 'Number of pods available for at least minReadySeconds.'),
    ageCol, containersCol, imagesCol, selectorCol(),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const [names, images] = containerCells(templateSpec(spec));
    return [name(o), `${n(status, 'readyReplicas')}/${num(spec, 'replicas') ?? 1}`, n(status, 'updatedReplicas'), n(status, 'availableReplicas'), age(o, now), names, images, selectorString(spec.selector)];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameCol,
    col('Desired', 'integer', 'Number of replicas wanted.'),
    col('Current', 'integer', 'Number of replicas that exist.'),
    col('Ready', 'integer', 'Number of ready replicas.'),
    ageCol, containersCol, imagesCol, selectorCol(),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const [names, images] = containerCells(templateSpec(spec));
    return [name(o), num(spec, 'replicas') ?? 1, n(status, 'replicas'), n(status, 'readyReplicas'), age(o, now), names, images, formatLabelSelector(spec.selector)];
  },
};

export const replicationControllerPrinter: Printer = {
  columns: replicaSetPrinter.columns,
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const [names, images] = containerCells(templateSpec(spec));
    return [name(o), num(spec, 'replicas') ?? 1, n(status, 'replicas'), n(status, 'readyReplicas'), age(o, now), names, images, formatLabels(strMap(spec, 'selector'))];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [nameCol, col('Ready', 'string', 'Number of the pod with ready state'), ageCol, containersCol, imagesCol],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const [names, images] = containerCells(templateSpec(spec));
    return [name(o), `${n(obj(o, 'status'), 'readyReplicas')}/${num(spec, 'replicas') ?? 1}`, age(o, now), names, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameCol,
    col('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Number of nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Number of nodes running the newest template.'),
    col('Available', 'integer', 'Number of nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'Labels a node must have to run the daemon pod.'),
    ageCol, containersCol, imagesCol, selectorCol(),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const st = obj(o, 'status');
    const [names, images] = containerCells(templateSpec(spec));
    return [
      name(o), n(st, 'desiredNumberScheduled'), n(st, 'currentNumberScheduled'), n(st, 'numberReady'), n(st, 'updatedNumberScheduled'), n(st, 'numberAvailable'),
      formatLabels(strMap(templateSpec(spec), 'nodeSelector')), age(o, now), names, images, formatLabelSelector(spec.selector),
    ];
  },
};

export const controllerRevisionPrinter: Printer = {
  columns: [nameCol, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'The revision number.'), ageCol],
  row(o, now) {
    const ref = objs(obj(o, 'metadata'), 'ownerReferences').find((r) => r.controller === true);
    let controller = '<none>';
    if (ref) {
      const apiVersion = str(ref, 'apiVersion');
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const kind = group ? `${str(ref, 'kind')}.${group}` : str(ref, 'kind');
      controller = kind ? `${kind.toLowerCase()}/${str(ref, 'name')}` : str(ref, 'name');
    }
    return [name(o), controller, n(o, 'revision'), age(o, now)];
  },
};

function conditionTrue(o: JsonObject, type: string): boolean {
  const c = objs(obj(o, 'status'), 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

export function jobStatus(o: JsonObject): string {
  if (conditionTrue(o, 'Complete')) return 'Complete';
  if (conditionTrue(o, 'Failed')) return 'Failed';
  if (str(obj(o, 'metadata'), 'deletionTimestamp')) return 'Terminating';
  if (conditionTrue(o, 'Suspended')) return 'Suspended';
  if (conditionTrue(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [
    nameCol,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'Succeeded pods out of those wanted.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol, containersCol, imagesCol, selectorCol(),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const succeeded = n(status, 'succeeded');
    const completions = num(spec, 'completions');
    const parallelism = num(spec, 'parallelism') ?? 0;
    const comp = completions !== undefined ? `${succeeded}/${completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    const start = parseTime(status.startTime);
    const end = parseTime(status.completionTime);
    const duration = start === undefined ? '' : humanDuration((end ?? now.getTime()) - start);
    const [names, images] = containerCells(templateSpec(spec));
    return [name(o), jobStatus(o), comp, duration, age(o, now), names, images, formatLabelSelector(spec.selector)];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameCol,
    col('Schedule', 'string', 'The schedule in cron format.'),
    col('Timezone', 'string', 'The time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Number of running jobs.'),
    col('Last Schedule', 'string', 'Time since the job was last scheduled.'),
    ageCol, containersCol, imagesCol, selectorCol(),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const suspend = bool(spec, 'suspend');
    const jobSpec = obj(obj(spec, 'jobTemplate'), 'spec');
    const [names, images] = containerCells(templateSpec(jobSpec));
    return [
      name(o), str(spec, 'schedule'), str(spec, 'timeZone') || '<none>', suspend === undefined ? '<unset>' : suspend ? 'True' : 'False',
      objs(status, 'active').length, str(status, 'lastScheduleTime') ? since(str(status, 'lastScheduleTime'), now) : '<none>', age(o, now),
      names, images, formatLabelSelector(obj(jobSpec, 'selector')),
    ];
  },
};
