// Label selectors: the query-string form (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and
// matching against an object's labels, with apimachinery's semantics: requirements are
// ANDed; `!=` and `notin` also match objects without the label; `gt`/`lt` compare
// integers. The parser follows apimachinery's grammar, so `in`, `notin` and `=` are valid
// values, `x in ()` selects the empty value, and error messages read the same.
import { SelectorParseError } from './errors.js';
import { labelValueErrors, qualifiedNameErrors } from './label-validation.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  /** Sorted and de-duplicated; empty for exists and `!`. */
  values: string[];
}

export type Labels = Readonly<Record<string, string>> | undefined | null;

export class LabelSelector {
  /** Requirements sorted by key, as apimachinery keeps them. */
  readonly requirements: readonly Requirement[];

  /** @param nothing a selector that matches no object (a null metav1.LabelSelector). */
  constructor(requirements: Requirement[], readonly nothing = false) {
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  static nothingMatches(): LabelSelector {
    return new LabelSelector([], true);
  }

  /** True when it selects every object. */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    if (this.nothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels ?? {}));
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value as string)) return false;
      const lv = BigInt(value as string);
      const rv = BigInt(r.values[0]);
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/**
 * Builds a validated requirement, as apimachinery's NewRequirement does. Throws
 * SelectorParseError with apimachinery's wording.
 */
export function newRequirement(key: string, operator: Operator, values: string[], selector = ''): Requirement {
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length) throw new SelectorParseError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`, selector);
  const uniq = [...new Set(values)].sort();
  switch (operator) {
    case 'in':
    case 'notin':
      if (uniq.length === 0) throw new SelectorParseError("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty", selector);
      break;
    case '=':
    case '==':
    case '!=':
      if (uniq.length !== 1) throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(uniq)}: exact-match compatibility requires one single value`, selector);
      break;
    case 'exists':
    case '!':
      if (uniq.length !== 0) throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(uniq)}: values set must be empty for exists and does not exist`, selector);
      break;
    case 'gt':
    case 'lt':
      if (uniq.length !== 1) throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(uniq)}: for 'Gt', 'Lt' operators, exactly one value is required`, selector);
      if (!/^[+-]?\d+$/.test(uniq[0])) throw new SelectorParseError(`values[0]: Invalid value: ${JSON.stringify(uniq[0])}: for 'Gt', 'Lt' operators, the value must be an integer`, selector);
      return { key, operator, values: uniq };
  }
  uniq.forEach((v, i) => {
    const errs = labelValueErrors(v);
    if (errs.length) throw new SelectorParseError(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`, selector);
  });
  return { key, operator, values: uniq };
}

// ---- parsing --------------------------------------------------------------------------

type TokenKind = 'id' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'eos';
interface Token {
  kind: TokenKind;
  text: string;
}

const symbols = ['!=', '==', '!', '=', '>', '<', '(', ')', ','] as const;
const specialChars = new Set(['!', '=', '>', '<', '(', ')', ',']);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (specialChars.has(c)) {
      const sym = symbols.find((x) => s.startsWith(x, i)) as (typeof symbols)[number];
      out.push({ kind: sym, text: sym });
      i += sym.length;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]) && !specialChars.has(s[j])) j++;
    const text = s.slice(i, j);
    out.push({ kind: text === 'in' ? 'in' : text === 'notin' ? 'notin' : 'id', text });
    i = j;
  }
  out.push({ kind: 'eos', text: '' });
  return out;
}

/** apimachinery's token names in "found '...'" messages: end of string reads as ''. */
class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly selector: string) {}

  /** In value position `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Token {
    return asValue(this.tokens[this.pos], values);
  }
  private next(values: boolean): Token {
    const t = asValue(this.tokens[this.pos], values);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  private fail(msg: string): never {
    throw new SelectorParseError(msg, this.selector);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t.kind === 'eos') return reqs;
      if (t.kind !== 'id' && t.kind !== '!') this.fail(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (err) {
        if (err instanceof SelectorParseError) this.fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const sep = this.next(true);
      if (sep.kind === 'eos') return reqs;
      if (sep.kind !== ',') this.fail(`found '${sep.text}', expected: ',' or 'end of string'`);
      const after = this.peek(true);
      if (after.kind !== 'id' && after.kind !== '!') this.fail(`found '${after.text}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let t = this.next(true);
    let operator: Operator | undefined;
    if (t.kind === '!') {
      operator = '!';
      t = this.next(true);
    }
    if (t.kind !== 'id') this.fail(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrs = qualifiedNameErrors(key);
    if (keyErrs.length) this.fail(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const after = this.peek(true);
    // `!key` takes no operator; whatever follows is the separator's problem.
    if (operator === '!' || after.kind === 'eos' || after.kind === ',') return newRequirement(key, operator ?? 'exists', [], this.selector);
    const op = this.next(false);
    switch (op.kind) {
      case 'in':
      case 'notin':
        return newRequirement(key, op.kind, this.valueSet(), this.selector);
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, op.kind, [this.exactValue()], this.selector);
      case '>':
        return newRequirement(key, 'gt', [this.exactValue()], this.selector);
      case '<':
        return newRequirement(key, 'lt', [this.exactValue()], this.selector);
      default:
        return this.fail(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private exactValue(): string {
    const t = this.peek(true);
    if (t.kind === 'eos' || t.kind === ',') return '';
    this.next(true);
    if (t.kind === 'id') return t.text;
    return this.fail(`found '${t.text}', expected: identifier`);
  }

  /** `( v1, v2 )`; empty entries (`()`, `(,a)`) stand for the empty value. */
  private valueSet(): string[] {
    const open = this.next(true);
    if (open.kind !== '(') this.fail(`found '${open.text}' expected: '('`);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = this.next(true);
      if (t.kind === 'id' && expectValue) {
        values.push(t.text);
        expectValue = false;
      } else if (t.kind === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.kind === ')') {
        if (expectValue) values.push('');
        return values;
      } else {
        this.fail(expectValue ? `found '${t.text}', expected: ',', ')' or identifier` : `found '${t.text}', expected: ',' or ')'`);
      }
    }
  }
}

function asValue(t: Token, values: boolean): Token {
  if (values && (t.kind === 'in' || t.kind === 'notin')) return { kind: 'id', text: t.text };
  return t;
}

/** Parses the `labelSelector` query parameter form. Throws SelectorParseError. */
export function parseLabelSelector(selector: string): LabelSelector {
  return new LabelSelector(new Parser(tokenize(selector), selector).parse());
}
