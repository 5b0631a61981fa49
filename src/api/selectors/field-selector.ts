// Field selectors: `metadata.name=x,spec.nodeName!=y` (also `==`), ANDed terms that
// compare one of a kind's selectable fields (see selectable-fields.ts) as a string.
// Values may escape `\,` `\=` `\\` (apimachinery's EscapeValue), so a value can contain
// the separators. An absent field reads as the empty string.
import { SelectorParseError } from './errors.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(fields: Readonly<Record<string, string>>): boolean {
    const get = (f: string): string => (Object.prototype.hasOwnProperty.call(fields, f) ? fields[f] : '');
    return this.requirements.every((r) => (get(r.field) === r.value) === (r.operator === '='));
  }

  /** The value the selector requires for `field` with `=`, if any (e.g. to index by spec.nodeName). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

const operators = ['!=', '==', '='] as const;

/** Parses the `fieldSelector` query parameter. Throws SelectorParseError. */
export function parseFieldSelector(selector: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(selector)) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`, selector);
    reqs.push({ field: split.field, operator: split.op === '!=' ? '!=' : '=', value: unescapeValue(split.rhs, selector) });
  }
  reqs.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return new FieldSelector(reqs);
}

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

/** The first operator (trying `!=`, `==`, `=` at each position) splits field from value. */
function splitTerm(term: string): { field: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of operators) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string, selector: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: ${s.slice(i, i + 2)}`, selector);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c}`, selector);
    } else {
      out += c;
    }
  }
  return out;
}

export function escapeValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}
