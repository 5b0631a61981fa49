// The fields each kind can be selected by, and how to read them from an object, as
// kube-apiserver's registries define them (every kind: metadata.name and
// metadata.namespace; a few kinds more). Anything else is "field label not supported".
import { UnsupportedFieldError } from './errors.js';
import type { FieldSelector } from './field-selector.js';

type Obj = Record<string, unknown>;
type Getter = (obj: Obj) => string;

/** Reads a dotted path as a string: absent is '', booleans and numbers as Go formats them. */
function at(path: string): Getter {
  const parts = path.split('.');
  return (obj) => {
    let cur: unknown = obj;
    for (const p of parts) {
      if (typeof cur !== 'object' || cur === null) return '';
      cur = (cur as Obj)[p];
    }
    if (cur === undefined || cur === null) return '';
    return typeof cur === 'string' ? cur : String(cur);
  };
}

/** Go's strconv.FormatBool of a bool field that defaults to false. */
function bool(path: string): Getter {
  const g = at(path);
  return (obj) => (g(obj) === 'true' ? 'true' : 'false');
}

/** A number field that defaults to 0. */
function int(path: string): Getter {
  const g = at(path);
  return (obj) => g(obj) || '0';
}

const common: Record<string, Getter> = {
  'metadata.name': at('metadata.name'),
  'metadata.namespace': at('metadata.namespace'),
};

const coreEvent: Record<string, Getter> = {
  'involvedObject.kind': at('involvedObject.kind'),
  'involvedObject.namespace': at('involvedObject.namespace'),
  'involvedObject.name': at('involvedObject.name'),
  'involvedObject.uid': at('involvedObject.uid'),
  'involvedObject.apiVersion': at('involvedObject.apiVersion'),
  'involvedObject.resourceVersion': at('involvedObject.resourceVersion'),
  'involvedObject.fieldPath': at('involvedObject.fieldPath'),
  reason: at('reason'),
  reportingComponent: at('reportingComponent'),
  source: at('source.component'),
  type: at('type'),
};

/** Keyed by "group/Kind" ('' for the core group). */
const byKind: Record<string, Record<string, Getter>> = {
  '/Pod': {
    'spec.nodeName': at('spec.nodeName'),
    'spec.restartPolicy': at('spec.restartPolicy'),
    'spec.schedulerName': at('spec.schedulerName'),
    'spec.serviceAccountName': at('spec.serviceAccountName'),
    'spec.hostNetwork': bool('spec.hostNetwork'),
    'status.phase': at('status.phase'),
    // kube reads the first of status.podIPs, which mirrors status.podIP.
    'status.podIP': (o) => at('status.podIPs.0.ip')(o) || at('status.podIP')(o),
    'status.nominatedNodeName': at('status.nominatedNodeName'),
  },
  '/Event': coreEvent,
  // events.k8s.io/v1 objects use their own names for the same fields.
  'events.k8s.io/Event': {
    'regarding.kind': at('regarding.kind'),
    'regarding.namespace': at('regarding.namespace'),
    'regarding.name': at('regarding.name'),
    'regarding.uid': at('regarding.uid'),
    'regarding.apiVersion': at('regarding.apiVersion'),
    'regarding.resourceVersion': at('regarding.resourceVersion'),
    'regarding.fieldPath': at('regarding.fieldPath'),
    reason: at('reason'),
    reportingController: at('reportingController'),
    type: at('type'),
  },
  '/Secret': { type: at('type') },
  '/Node': { 'spec.unschedulable': bool('spec.unschedulable') },
  '/Namespace': { 'status.phase': at('status.phase') },
  '/ReplicationController': { 'status.replicas': int('status.replicas') },
  'apps/ReplicaSet': { 'status.replicas': int('status.replicas') },
  'batch/Job': { 'status.successful': int('status.succeeded') },
};

function gettersFor(group: string, kind: string): Record<string, Getter> {
  return { ...common, ...(byKind[`${group}/${kind}`] ?? {}) };
}

/** Names of the selectable fields of a kind. */
export function selectableFieldNames(group: string, kind: string): string[] {
  return Object.keys(gettersFor(group, kind));
}

/** The selectable fields of an object of the given kind, as strings. */
export function selectableFields(group: string, kind: string, obj: Readonly<Obj>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, get] of Object.entries(gettersFor(group, kind))) out[name] = get(obj as Obj);
  return out;
}

/** Throws UnsupportedFieldError (a 400) if the selector names a field the kind lacks. */
export function validateFieldSelector(group: string, kind: string, selector: FieldSelector): void {
  const getters = gettersFor(group, kind);
  for (const r of selector.requirements) {
    if (!Object.prototype.hasOwnProperty.call(getters, r.field)) throw new UnsupportedFieldError(r.field);
  }
}

/** Convenience for list/watch filtering: validated once, then matched per object. */
export function fieldMatcher(group: string, kind: string, selector: FieldSelector): (obj: Readonly<Obj>) => boolean {
  validateFieldSelector(group, kind, selector);
  if (selector.empty()) return () => true;
  // Read only the fields the selector names: watches filter every event with this.
  const getters = gettersFor(group, kind);
  const reqs = selector.requirements.map((r) => ({ get: getters[r.field], value: r.value, equal: r.operator === '=' }));
  return (obj) => reqs.every((r) => (r.get(obj as Obj) === r.value) === r.equal);
}
