// Field errors as the API server reports them: the reason (a StatusCause type), the
// field path, and the message body worded like kube-apiserver's, so that kubectl and
// client libraries print exactly what users of Kubernetes are used to reading.

export type FieldErrorReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

export interface FieldError {
  reason: FieldErrorReason;
  /** e.g. 'spec.containers[0].image'; '' when the error is about the whole object. */
  field: string;
  /** The message without the field, e.g. 'Required value' or 'Invalid value: "x": ...'. */
  message: string;
}

/** Builds field paths the way Kubernetes prints them: a.b[0].c[key]. */
export class FieldPath {
  constructor(readonly path: string = '') {}

  child(...names: string[]): FieldPath {
    let p = this.path;
    for (const n of names) p = p === '' ? n : `${p}.${n}`;
    return new FieldPath(p);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.path}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.path}[${k}]`);
  }

  toString(): string {
    return this.path;
  }
}

export function root(...names: string[]): FieldPath {
  return new FieldPath().child(...names);
}

/** Go's %q: a double-quoted string with Go escapes for control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A bad value printed as Go's %#v prints it, which is how Kubernetes up to 1.33 shows
 * maps and slices in messages (`map[string]string{"app":"web"}`). Validators wrap the
 * values whose Go type they know; other structured values print as JSON.
 */
export class GoValue {
  constructor(readonly text: string) {}
}

export function goStringMap(m: Record<string, string> | undefined): GoValue {
  if (m === undefined) return new GoValue('map[string]string(nil)');
  const body = Object.keys(m).sort().map((k) => `${goQuote(k)}:${goQuote(m[k])}`).join(', ');
  return new GoValue(`map[string]string{${body}}`);
}

export function goStringSlice(a: readonly unknown[] | undefined): GoValue {
  if (a === undefined) return new GoValue('[]string(nil)');
  return new GoValue(`[]string{${a.map((x) => goQuote(String(x))).join(', ')}}`);
}

/** A metav1.LabelSelector in Go syntax; undefined (a nil pointer) prints as null. */
export function goLabelSelector(sel: unknown): GoValue | null {
  if (typeof sel !== 'object' || sel === null || Array.isArray(sel)) return null;
  const o = sel as Record<string, unknown>;
  const ml = typeof o.matchLabels === 'object' && o.matchLabels !== null ? (o.matchLabels as Record<string, string>) : undefined;
  const exprs = Array.isArray(o.matchExpressions) ? o.matchExpressions : undefined;
  const req = (e: unknown): string => {
    const r = (e ?? {}) as Record<string, unknown>;
    const values = Array.isArray(r.values) ? goStringSlice(r.values).text : '[]string(nil)';
    return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${values}}`;
  };
  const exprText = exprs ? `[]v1.LabelSelectorRequirement{${exprs.map(req).join(', ')}}` : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${goStringMap(ml).text}, MatchExpressions:${exprText}}`);
}

/** How a bad value is shown: strings quoted, numbers and booleans bare, the rest as JSON. */
export function formatBadValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(sortKeys(v));
}

// Go marshals maps with sorted keys; the same value must print the same way here.
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function withDetail(s: string, detail: string): string {
  return detail ? `${s}: ${detail}` : s;
}

const f = (p: FieldPath | string): string => String(p);

export function required(p: FieldPath | string, detail = ''): FieldError {
  return { reason: 'FieldValueRequired', field: f(p), message: withDetail('Required value', detail) };
}

export function invalid(p: FieldPath | string, value: unknown, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field: f(p), message: withDetail(`Invalid value: ${formatBadValue(value)}`, detail) };
}

export function typeInvalid(p: FieldPath | string, value: unknown, detail: string): FieldError {
  return { reason: 'FieldValueTypeInvalid', field: f(p), message: withDetail(`Invalid value: ${formatBadValue(value)}`, detail) };
}

export function notSupported(p: FieldPath | string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', field: f(p), message: withDetail(`Unsupported value: ${formatBadValue(value)}`, detail) };
}

export function duplicate(p: FieldPath | string, value: unknown): FieldError {
  return { reason: 'FieldValueDuplicate', field: f(p), message: `Duplicate value: ${formatBadValue(value)}` };
}

export function notFound(p: FieldPath | string, value: unknown): FieldError {
  return { reason: 'FieldValueNotFound', field: f(p), message: `Not found: ${formatBadValue(value)}` };
}

export function forbidden(p: FieldPath | string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', field: f(p), message: withDetail('Forbidden', detail) };
}

export function tooLong(p: FieldPath | string, maxBytes: number): FieldError {
  const unit = maxBytes === 1 ? 'byte' : 'bytes';
  return { reason: 'FieldValueTooLong', field: f(p), message: `Too long: may not be more than ${maxBytes} ${unit}` };
}

export function tooMany(p: FieldPath | string, actual: number, max: number): FieldError {
  const unit = max === 1 ? 'item' : 'items';
  return { reason: 'FieldValueTooMany', field: f(p), message: `Too many: ${actual}: must have at most ${max} ${unit}` };
}

/** "field: body", as Go's field.Error.Error() prints one error. */
export function formatFieldError(e: FieldError): string {
  return e.field ? `${e.field}: ${e.message}` : `: ${e.message}`;
}

/**
 * The Status message of a 422 Invalid: `Pod "x" is invalid: <errors>` where one error
 * prints bare and several print as `[a, b]`; repeated messages are shown once.
 * `kind` is the qualified kind: 'Pod', 'Deployment.apps' (see qualifiedKind).
 */
export function invalidMessage(kind: string, name: string, errors: readonly FieldError[]): string {
  const head = `${kind} ${goQuote(name)} is invalid`;
  const msgs: string[] = [];
  for (const e of errors) {
    const m = formatFieldError(e);
    if (!msgs.includes(m)) msgs.push(m);
  }
  if (msgs.length === 0) return head;
  if (msgs.length === 1) return `${head}: ${msgs[0]}`;
  return `${head}: [${msgs.join(', ')}]`;
}

/** 'Pod' for the core group, 'Deployment.apps' otherwise (Go's GroupKind.String()). */
export function qualifiedKind(r: { group: string; kind: string }): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

/** The message used when a field may not change after creation. */
export const fieldImmutable = 'field is immutable';

/** The 422 Status object kube-apiserver answers an invalid create or update with. */
export function invalidStatus(r: { group: string; kind: string }, name: string, errors: readonly FieldError[]): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: invalidMessage(qualifiedKind(r), name, errors),
    reason: 'Invalid',
    details: {
      name,
      ...(r.group ? { group: r.group } : {}),
      kind: r.kind,
      causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
    },
    code: 422,
  };
}
