// Type checking of request bodies, as kube-apiserver gets it from decoding JSON into Go
// structs: a value of the wrong JSON type for its field fails the whole request (400),
// worded by Go's encoding/json (sigs.k8s.io/json). k8ts has no structs, so it walks the
// object along the schema and words each mismatch the way Go would:
//   json: cannot unmarshal <what> into Go struct field <Struct>.<json path> of type <Go type>
// where <Struct> is the innermost struct holding the field and the path names fields only
// (map keys and list indexes do not appear). Go saves the first such error and decodes on;
// a type with its own UnmarshalJSON (Quantity, IntOrString, Time) that fails stops
// decoding at once, and that error is the one reported instead.
// Unknown fields are not this module's business (see unknown-fields.ts); null is fine
// anywhere (Go leaves the zero value).

import { CORE, META } from './dsl.js';
import { refName, resolveRef } from './resolve.js';
import type { GroupVersionKind, Schema, SchemaSource } from './types.js';

export type JsonKind = 'string' | 'number' | 'object' | 'array' | 'bool' | 'null';

export interface FieldTypeError {
  /** The field's JSON path in findUnknownFields' form: `.spec.containers[0].ports[0].containerPort`. */
  path: string;
  /** What the schema wants: string, integer, number, boolean, object, array, Quantity, IntOrString or Time. */
  expected: string;
  got: JsonKind;
  /** Go's struct field: `ContainerPort.spec.template.spec.containers.ports.containerPort`. */
  goField: string;
  /** Go's type of the value: `int32`, `v1.ObjectMeta`, `map[string]string`. */
  goType: string;
  /** Go's error text, without kube's `... cannot be handled as a ...:` prefix. */
  message: string;
  /** A custom unmarshaller failed: Go stops decoding here and reports this error over any earlier one. */
  fatal: boolean;
}

export class NoTypeErrorsError extends Error {
  constructor() {
    super('typeErrorMessage needs at least one type error');
    this.name = 'NoTypeErrorsError';
  }
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIMES = new Set([`${META}.Time`, `${META}.MicroTime`]);
const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX = "unable to parse quantity's suffix";

/**
 * Every type mismatch in `obj` against the schema of `gvk`, in document order. An
 * unknown kind, or a body that is not an object, yields none (both are rejected earlier).
 */
export function findTypeErrors(source: SchemaSource, gvk: GroupVersionKind, obj: unknown): FieldTypeError[] {
  const name = source.definitionFor(gvk);
  if (name === undefined || source.definitions[name] === undefined || !isPlainObject(obj)) return [];
  const w: Walker = { source, out: [], memo: memoFor(source) };
  walk(w, { $ref: `#/definitions/${name}` }, obj, '', { struct: '', fields: [] }, goTypeOf(w, { $ref: `#/definitions/${name}` }));
  return w.out;
}

/** The error Go reports: the first fatal one if any (decoding stopped there), else the first. */
export function reportedTypeError(errors: readonly FieldTypeError[]): FieldTypeError | undefined {
  return errors.find((e) => e.fatal) ?? errors[0];
}

/**
 * kube-apiserver's 400 message for a body with type errors, e.g. `ConfigMap in version "v1"
 * cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string`.
 */
export function typeErrorMessage(gvk: GroupVersionKind, errors: readonly FieldTypeError[]): string {
  const e = reportedTypeError(errors);
  if (e === undefined) throw new NoTypeErrorsError();
  return `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${e.message}`;
}

interface Walker {
  source: SchemaSource;
  out: FieldTypeError[];
  memo: Memo;
}

/**
 * What the walk derives from each schema object (its final definition name, its Go type,
 * the schema behind its $refs), kept per set of definitions: every request body walks the
 * same schemas, and deriving these again per node was most of the walk's cost.
 */
interface Memo {
  refName: WeakMap<Schema, string | undefined>;
  goType: WeakMap<Schema, string>;
  resolved: WeakMap<Schema, Schema>;
}

const memos = new WeakMap<SchemaSource['definitions'], Memo>();

function memoFor(source: SchemaSource): Memo {
  let m = memos.get(source.definitions);
  if (!m) {
    m = { refName: new WeakMap(), goType: new WeakMap(), resolved: new WeakMap() };
    memos.set(source.definitions, m);
  }
  return m;
}

function resolved(w: Walker, schema: Schema): Schema {
  let s = w.memo.resolved.get(schema);
  if (s === undefined) {
    s = resolveRef(w.source.definitions, schema);
    w.memo.resolved.set(schema, s);
  }
  return s;
}

/** Go's decoder error context: the innermost struct and the JSON field names from the root. */
interface GoContext {
  struct: string;
  fields: string[];
}

function walk(w: Walker, schema: Schema, value: unknown, path: string, ctx: GoContext, goType: string): void {
  if (value === null) return;
  const name = finalRefName(w, schema);
  const s = resolved(w, schema);
  const got = kindOf(value);
  const fail = (expected: string, what: string, type: string, fatal = false): void => {
    w.out.push({ path, expected, got, goField: goField(ctx), goType: type, message: cannotUnmarshal(what, ctx, type), fatal });
  };
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (name === QUANTITY) {
    const err = typeof value === 'string' ? quantityError(value) : typeof value === 'number' ? undefined : QUANTITY_FORMAT;
    if (err !== undefined) w.out.push({ path, expected: 'Quantity', got, goField: goField(ctx), goType: 'resource.Quantity', message: err, fatal: true });
    return;
  }
  if (name === INT_OR_STRING || s['x-kubernetes-int-or-string'] === true) {
    // IntOrString decodes a non-string into its int32 with a fresh json.Unmarshal; the outer
    // decoder then stamps the field it was decoding onto that error.
    if (typeof value === 'string' || isInt(value, 32)) return;
    fail('IntOrString', goValue(value, true), 'int32', true);
    return;
  }
  if (name !== undefined && TIMES.has(name)) {
    if (typeof value !== 'string') fail('Time', goValue(value), 'string', true);
    return;
  }
  if (s.type === 'string' && s.format === 'byte') {
    // []byte takes base64 text, and a JSON array of bytes too.
    if (typeof value !== 'string' && !Array.isArray(value)) fail('string', goValue(value), goType);
    return;
  }
  if (s.properties !== undefined) {
    if (!isPlainObject(value)) return fail('object', goValue(value), goType);
    const struct = name === undefined ? ctx.struct : shortName(name);
    for (const [k, v] of Object.entries(value)) {
      const p = s.properties[k];
      if (p === undefined) continue;
      const fieldType = name === undefined ? undefined : namedGoTypes[name]?.[k];
      walk(w, p, v, `${path}.${k}`, { struct, fields: [...ctx.fields, k] }, fieldType ?? goTypeOf(w, p));
    }
    return;
  }
  const ap = s.additionalProperties;
  if (ap !== undefined && ap !== false) {
    if (!isPlainObject(value)) return fail('object', goValue(value), goType);
    if (ap === true) return;
    const elem = mapElem(goType) ?? goTypeOf(w, ap);
    for (const [k, v] of Object.entries(value)) walk(w, ap, v, `${path}.${k}`, ctx, elem);
    return;
  }
  switch (s.type) {
    case 'array': {
      if (!Array.isArray(value)) return fail('array', goValue(value), goType);
      const items = s.items;
      if (items === undefined) return;
      const elem = goType.startsWith('[]') ? goType.slice(2) : goTypeOf(w, items);
      value.forEach((v, i) => walk(w, items, v, `${path}[${i}]`, ctx, elem));
      return;
    }
    case 'string':
      if (typeof value !== 'string') fail('string', goValue(value), goType);
      return;
    case 'integer':
      if (!isInt(value, s.format === 'int32' ? 32 : 64)) fail('integer', goValue(value, true), goType);
      return;
    case 'number':
      if (typeof value !== 'number') fail('number', goValue(value), goType);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('boolean', goValue(value), goType);
      return;
    default:
      // An object with neither properties nor additionalProperties (RawExtension, FieldsV1)
      // or no type at all (apiextensions' JSON) holds any JSON.
      return;
  }
}

function cannotUnmarshal(what: string, ctx: GoContext, goType: string): string {
  return ctx.fields.length > 0
    ? `json: cannot unmarshal ${what} into Go struct field ${goField(ctx)} of type ${goType}`
    : `json: cannot unmarshal ${what} into Go value of type ${goType}`;
}

const goField = (ctx: GoContext): string => (ctx.fields.length > 0 ? `${ctx.struct}.${ctx.fields.join('.')}` : '');

function kindOf(v: unknown): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

/**
 * Go's description of the JSON value: `string`, `bool`, `object`, `array`, `number`, or
 * `number 1.5` when the target is an integer (`withLiteral`) the number does not fit. Go
 * quotes the literal as written; a parsed number can only be re-printed.
 */
function goValue(v: unknown, withLiteral = false): string {
  const kind = kindOf(v);
  return kind === 'number' && withLiteral ? `number ${String(v)}` : kind;
}

function isInt(v: unknown, bits: 32 | 64): boolean {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  // 2^63 itself is accepted: the largest int64, 2^63-1, parses to it in JavaScript.
  return bits === 32 ? v >= -(2 ** 31) && v < 2 ** 31 : v >= -(2 ** 63) && v <= 2 ** 63;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The definition a schema finally names, following chains of references. */
function finalRefName(w: Walker, schema: Schema): string | undefined {
  if (w.memo.refName.has(schema)) return w.memo.refName.get(schema);
  const name = findRefName(w, schema);
  w.memo.refName.set(schema, name);
  return name;
}

function findRefName(w: Walker, schema: Schema): string | undefined {
  let name: string | undefined;
  let s: Schema | undefined = schema;
  for (let hops = 0; s?.$ref !== undefined && hops < 16; hops++) {
    name = refName(s.$ref);
    s = w.source.definitions[name];
  }
  return name;
}

const shortName = (def: string): string => def.slice(def.lastIndexOf('.') + 1);

/** Go names a type by its package's last path element: io.k8s.api.core.v1.PodSpec is v1.PodSpec. */
function qualifiedName(def: string): string {
  const parts = def.split('.');
  return parts.length < 2 ? def : `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The Go type a schema decodes into, as reflect prints it (named types from the table aside). */
function goTypeOf(w: Walker, schema: Schema): string {
  let t = w.memo.goType.get(schema);
  if (t === undefined) {
    t = deriveGoType(w, schema);
    w.memo.goType.set(schema, t);
  }
  return t;
}

function deriveGoType(w: Walker, schema: Schema): string {
  const name = finalRefName(w, schema);
  if (name !== undefined) return qualifiedName(name);
  const s = schema;
  switch (s.type) {
    case 'string': return s.format === 'byte' ? '[]uint8' : 'string';
    case 'integer': return s.format === 'int32' ? 'int32' : 'int64';
    case 'number': return s.format === 'float' ? 'float32' : 'float64';
    case 'boolean': return 'bool';
    case 'array': return `[]${s.items ? goTypeOf(w, s.items) : 'interface {}'}`;
    default: {
      const ap = s.additionalProperties;
      if (typeof ap !== 'object') return 'map[string]interface {}';
      // Every map of quantities in the built-in API is a ResourceList.
      return finalRefName(w, ap) === QUANTITY ? 'v1.ResourceList' : `map[string]${goTypeOf(w, ap)}`;
    }
  }
}

/** `map[string]X` -> `X`; undefined for a named map type. */
function mapElem(goType: string): string | undefined {
  return goType.startsWith('map[string]') ? goType.slice('map[string]'.length) : undefined;
}

/** Quantity's own parser's verdict on a string: undefined when it parses. */
export function quantityError(raw: string): string | undefined {
  const s = raw.trim();
  if (s === '') return QUANTITY_FORMAT;
  const digits = (i: number): number => {
    while (i < s.length && s[i] >= '0' && s[i] <= '9') i++;
    return i;
  };
  let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
  i = digits(i);
  if (s[i] === '.') i = digits(i + 1);
  const suffixStart = i;
  while (i < s.length && 'eEinumkKMGTP'.includes(s[i])) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  if (digits(i) < s.length) return QUANTITY_FORMAT;
  const suffix = s.slice(suffixStart);
  const known = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E'];
  return known.includes(suffix) || /^[eE][+-]?[0-9]+$/.test(suffix) ? undefined : QUANTITY_SUFFIX;
}

// Go's named types for the fields most often written by hand: the OpenAPI schema says only
// "string", but Go's message names the declared type (`of type v1.PullPolicy`). Fields not
// listed fall back to the plain Go kind. Keyed by definition, then JSON field name.
const C = CORE;
const RL = 'v1.ResourceList';
const STATUS = 'v1.ConditionStatus';
export const namedGoTypes: Record<string, Record<string, string>> = {
  [`${C}.Container`]: { imagePullPolicy: 'v1.PullPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy', restartPolicy: 'v1.ContainerRestartPolicy' },
  [`${C}.EphemeralContainer`]: { imagePullPolicy: 'v1.PullPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy', restartPolicy: 'v1.ContainerRestartPolicy' },
  [`${C}.ContainerPort`]: { protocol: 'v1.Protocol' },
  [`${C}.ServicePort`]: { protocol: 'v1.Protocol' },
  [`${C}.EndpointPort`]: { protocol: 'v1.Protocol' },
  [`${C}.VolumeMount`]: { mountPropagation: 'v1.MountPropagationMode' },
  [`${C}.ResourceRequirements`]: { limits: RL, requests: RL },
  [`${C}.VolumeResourceRequirements`]: { limits: RL, requests: RL },
  [`${C}.PodSpec`]: { restartPolicy: 'v1.RestartPolicy', dnsPolicy: 'v1.DNSPolicy', preemptionPolicy: 'v1.PreemptionPolicy', overhead: RL },
  [`${C}.PodStatus`]: { phase: 'v1.PodPhase', qosClass: 'v1.PodQOSClass' },
  [`${C}.PodCondition`]: { type: 'v1.PodConditionType', status: STATUS },
  [`${C}.NodeCondition`]: { type: 'v1.NodeConditionType', status: STATUS },
  [`${C}.NodeStatus`]: { capacity: RL, allocatable: RL, phase: 'v1.NodePhase' },
  [`${C}.NodeAddress`]: { type: 'v1.NodeAddressType' },
  [`${C}.Taint`]: { effect: 'v1.TaintEffect' },
  [`${C}.Toleration`]: { operator: 'v1.TolerationOperator', effect: 'v1.TaintEffect' },
  [`${C}.NodeSelectorRequirement`]: { operator: 'v1.NodeSelectorOperator' },
  [`${C}.TopologySpreadConstraint`]: { whenUnsatisfiable: 'v1.UnsatisfiableConstraintAction' },
  [`${C}.Capabilities`]: { add: '[]v1.Capability', drop: '[]v1.Capability' },
  [`${C}.SecurityContext`]: { procMount: 'v1.ProcMountType' },
  [`${C}.SeccompProfile`]: { type: 'v1.SeccompProfileType' },
  [`${C}.HTTPGetAction`]: { scheme: 'v1.URIScheme' },
  [`${C}.HostPathVolumeSource`]: { type: 'v1.HostPathType' },
  [`${C}.ServiceSpec`]: {
    type: 'v1.ServiceType', sessionAffinity: 'v1.ServiceAffinity', externalTrafficPolicy: 'v1.ServiceExternalTrafficPolicy',
    internalTrafficPolicy: 'v1.ServiceInternalTrafficPolicy', ipFamilies: '[]v1.IPFamily', ipFamilyPolicy: 'v1.IPFamilyPolicy',
  },
  [`${C}.PersistentVolumeClaimSpec`]: { accessModes: '[]v1.PersistentVolumeAccessMode', volumeMode: 'v1.PersistentVolumeMode' },
  [`${C}.PersistentVolumeClaimStatus`]: { phase: 'v1.PersistentVolumeClaimPhase', accessModes: '[]v1.PersistentVolumeAccessMode', capacity: RL },
  [`${C}.PersistentVolumeSpec`]: {
    accessModes: '[]v1.PersistentVolumeAccessMode', volumeMode: 'v1.PersistentVolumeMode', capacity: RL,
    persistentVolumeReclaimPolicy: 'v1.PersistentVolumeReclaimPolicy',
  },
  [`${C}.PersistentVolumeStatus`]: { phase: 'v1.PersistentVolumePhase' },
  [`${C}.Secret`]: { type: 'v1.SecretType' },
  [`${C}.NamespaceSpec`]: { finalizers: '[]v1.FinalizerName' },
  [`${C}.NamespaceStatus`]: { phase: 'v1.NamespacePhase' },
  [`${C}.ResourceQuotaSpec`]: { hard: RL, scopes: '[]v1.ResourceQuotaScope' },
  [`${C}.ResourceQuotaStatus`]: { hard: RL, used: RL },
  [`${C}.LimitRangeItem`]: { type: 'v1.LimitType', max: RL, min: RL, default: RL, defaultRequest: RL, maxLimitRequestRatio: RL },
  [`${C}.ObjectReference`]: { uid: 'types.UID' },
  [`${META}.ObjectMeta`]: { uid: 'types.UID' },
  [`${META}.OwnerReference`]: { uid: 'types.UID' },
  [`${META}.LabelSelectorRequirement`]: { operator: 'v1.LabelSelectorOperator' },
  [`${META}.ManagedFieldsEntry`]: { operation: 'v1.ManagedFieldsOperationType' },
  ['io.k8s.api.apps.v1.DeploymentStrategy']: { type: 'v1.DeploymentStrategyType' },
  ['io.k8s.api.apps.v1.DeploymentCondition']: { type: 'v1.DeploymentConditionType', status: STATUS },
  ['io.k8s.api.apps.v1.StatefulSetSpec']: { podManagementPolicy: 'v1.PodManagementPolicyType' },
  ['io.k8s.api.apps.v1.StatefulSetUpdateStrategy']: { type: 'v1.StatefulSetUpdateStrategyType' },
  ['io.k8s.api.apps.v1.DaemonSetUpdateStrategy']: { type: 'v1.DaemonSetUpdateStrategyType' },
  ['io.k8s.api.batch.v1.CronJobSpec']: { concurrencyPolicy: 'v1.ConcurrencyPolicy' },
  ['io.k8s.api.batch.v1.JobSpec']: { completionMode: 'v1.CompletionMode', podReplacementPolicy: 'v1.PodReplacementPolicy' },
  ['io.k8s.api.batch.v1.JobCondition']: { type: 'v1.JobConditionType', status: STATUS },
  ['io.k8s.api.networking.v1.HTTPIngressPath']: { pathType: 'v1.PathType' },
  ['io.k8s.api.networking.v1.NetworkPolicySpec']: { policyTypes: '[]v1.PolicyType' },
  ['io.k8s.api.networking.v1.NetworkPolicyPort']: { protocol: 'v1.Protocol' },
  ['io.k8s.api.discovery.v1.EndpointSlice']: { addressType: 'v1.AddressType' },
  ['io.k8s.api.discovery.v1.EndpointPort']: { protocol: 'v1.Protocol' },
};
