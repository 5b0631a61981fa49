// metav1.LabelSelector (`{matchLabels, matchExpressions}`, as in Deployment.spec.selector)
// to a matcher, as apimachinery's LabelSelectorAsSelector: a null selector matches
// nothing, an empty one everything.
import { SelectorParseError } from './errors.js';
import { LabelSelector, newRequirement, type Requirement } from './label-selector.js';

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementObject[] | null;
}

const operators: Record<string, Requirement['operator']> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return LabelSelector.nothingMatches();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  for (const expr of sel.matchExpressions ?? []) {
    const op = operators[expr.operator];
    if (!op) throw new SelectorParseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`, '');
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return new LabelSelector(reqs);
}

/** A selector requiring each label of a set (a Service's or ReplicationController's `selector` map). */
export function labelSelectorFromSet(set: Record<string, string> | null | undefined): LabelSelector {
  return new LabelSelector(Object.entries(set ?? {}).map(([k, v]) => newRequirement(k, '=', [v])));
}

/**
 * A metav1.LabelSelector as kubectl and tables print it: the query form, `<none>` when
 * it selects nothing or everything, `<error>` when invalid.
 */
export function formatLabelSelector(sel: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorFromObject(sel).toString() || '<none>';
  } catch {
    return '<error>';
  }
}
