// Errors of server-side apply and managed-fields tracking.

/** A malformed apply request or managed-fields value; `status` is what the API server answers. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(message: string, readonly status: 400 | 422 = 422, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ApplyConflict {
  /** The conflicting manager's name, e.g. 'kubectl-client-side-apply'. */
  manager: string;
  operation: 'Apply' | 'Update';
  /** The manager entry's apiVersion (named in Update conflicts: `using apps/v1`). */
  apiVersion: string;
  subresource?: string;
  /** The field in structured-merge-diff's path syntax, e.g. `.spec.containers[name="web"].image`. */
  field: string;
}

/**
 * Another manager owns a field the apply would change, and force was not set. The API
 * server answers 409 with `reason: Conflict`, `message` as here, and `details.causes`
 * from `causes()`, as kube-apiserver does.
 */
export class ApplyConflictError extends Error {
  override readonly name = 'ApplyConflictError';
  readonly status = 409;
  constructor(readonly conflicts: ApplyConflict[]) {
    super(conflictMessage(conflicts));
  }

  causes(): { reason: 'FieldManagerConflict'; message: string; field: string }[] {
    return this.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c)}`, field: c.field }));
  }
}

/** `"kubectl"`, or `"kubectl-edit" using v1` for Update managers, as kube prints them. */
export function describeManager(c: Pick<ApplyConflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion}`;
  return s;
}

function conflictMessage(conflicts: ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${describeManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const key = describeManager(c);
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}:`);
    for (const c of byManager.get(key) ?? []) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
