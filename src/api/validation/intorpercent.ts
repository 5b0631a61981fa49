// IntOrString fields that hold a count or a percentage (maxSurge, maxUnavailable,
// minAvailable).

import { type FieldError, FieldPath, invalid } from './errors.js';
import { isValidPercent } from './names.js';

export function validatePositiveIntOrPercent(v: unknown, p: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(p, v, m));
  if (typeof v === 'number') return v < 0 ? [invalid(p, v, 'must be greater than or equal to 0')] : [];
  if (v === undefined || v === null) return [];
  return [invalid(p, v, "must be an integer or percentage (e.g '5%')")];
}

/** The number or percentage value, or undefined when not parseable. */
export function intOrPercentValue(v: unknown): { value: number; percent: boolean } | undefined {
  if (typeof v === 'number') return { value: v, percent: false };
  if (typeof v === 'string') {
    const m = /^([0-9]+)%$/.exec(v);
    if (m) return { value: Number(m[1]), percent: true };
    if (/^[0-9]+$/.test(v)) return { value: Number(v), percent: false };
  }
  return undefined;
}

export function notMoreThan100Percent(v: unknown, p: FieldPath): FieldError[] {
  const x = intOrPercentValue(v);
  return x && x.percent && x.value > 100 ? [invalid(p, v, 'must not be greater than 100%')] : [];
}
