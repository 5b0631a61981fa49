// Sets of field paths, as server-side apply tracks ownership, in Kubernetes' FieldsV1
// form. A path is a list of path elements, each already in its FieldsV1 spelling:
//   f:<name>         a field of a struct or a key of a map
//   k:<json object>  an item of a map-list, by its key fields (sorted by name)
//   v:<json>         an item of a set-list, by its value
//   i:<index>        an item of a list with no identity (rare)
// In FieldsV1 a leaf `{}` is a member; "." marks a member that also has children.

/** The FieldsV1 JSON object, e.g. {"f:metadata":{"f:labels":{"f:app":{}}}}. */
export type FieldsV1 = { [element: string]: FieldsV1 };

export type FieldPath = readonly string[];

class Node {
  member = false;
  readonly children = new Map<string, Node>();

  isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  child(el: string): Node {
    let c = this.children.get(el);
    if (!c) {
      c = new Node();
      this.children.set(el, c);
    }
    return c;
  }

  copy(): Node {
    const n = new Node();
    n.member = this.member;
    for (const [k, v] of this.children) n.children.set(k, v.copy());
    return n;
  }

  /** True when this node or anything under it is a member. */
  hasMember(): boolean {
    if (this.member) return true;
    for (const c of this.children.values()) if (c.hasMember()) return true;
    return false;
  }
}

// The set operations work on the trees directly, one visit per node, rather than through
// lists of paths: server-side apply and managed-fields tracking run several of them on
// every write, and a pod's field set has a few hundred members.

function mergeInto(into: Node, from: Node): void {
  if (from.member) into.member = true;
  for (const [k, c] of from.children) mergeInto(into.child(k), c);
}

/** Members of a that are not members of b; undefined when none. */
function differenceOf(a: Node, b: Node | undefined): Node | undefined {
  const out = new Node();
  out.member = a.member && !(b?.member ?? false);
  for (const [k, c] of a.children) {
    const d = differenceOf(c, b?.children.get(k));
    if (d) out.children.set(k, d);
  }
  return out.isEmpty() ? undefined : out;
}

/** Members of a that are neither members of b nor under one of b's members. */
function recursiveDifferenceOf(a: Node, b: Node | undefined): Node | undefined {
  if (b?.member) return undefined;
  if (!b) return a.hasMember() ? a.copy() : undefined;
  const out = new Node();
  out.member = a.member;
  for (const [k, c] of a.children) {
    const d = recursiveDifferenceOf(c, b.children.get(k));
    if (d) out.children.set(k, d);
  }
  return out.isEmpty() ? undefined : out;
}

function intersectionOf(a: Node, b: Node): Node | undefined {
  const out = new Node();
  out.member = a.member && b.member;
  for (const [k, c] of a.children) {
    const o = b.children.get(k);
    const d = o && intersectionOf(c, o);
    if (d) out.children.set(k, d);
  }
  return out.isEmpty() ? undefined : out;
}

/** Same members, whatever empty nodes either tree holds. */
function sameMembers(a: Node | undefined, b: Node | undefined): boolean {
  const am = a?.hasMember() ?? false;
  const bm = b?.hasMember() ?? false;
  if (!am || !bm) return am === bm;
  if (a!.member !== b!.member) return false;
  for (const [k, c] of a!.children) if (!sameMembers(c, b!.children.get(k))) return false;
  for (const [k, c] of b!.children) if (!a!.children.has(k) && c.hasMember()) return false;
  return true;
}

export class FieldSet {
  private constructor(private readonly root: Node) {}

  static empty(): FieldSet {
    return new FieldSet(new Node());
  }

  static of(paths: Iterable<FieldPath>): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Parses FieldsV1; throws TypeError on anything that is not that shape. */
  static fromFieldsV1(v: unknown): FieldSet {
    const parse = (obj: unknown, node: Node, where: string): void => {
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new TypeError(`FieldsV1 at ${where || 'root'} is not an object`);
      for (const [k, child] of Object.entries(obj)) {
        if (k === '.') {
          node.member = true;
          continue;
        }
        if (!/^[fkvi]:/.test(k)) throw new TypeError(`FieldsV1 at ${where || 'root'}: unknown path element ${JSON.stringify(k)}`);
        const c = node.child(k);
        parse(child, c, `${where}/${k}`);
        if (c.children.size === 0) c.member = true;
      }
    };
    const root = new Node();
    parse(v, root, '');
    return new FieldSet(root);
  }

  toFieldsV1(): FieldsV1 {
    const emit = (node: Node): FieldsV1 => {
      const out: FieldsV1 = {};
      if (node.member && node.children.size > 0) out['.'] = {};
      for (const k of sortedElements([...node.children.keys()])) {
        const c = node.children.get(k) as Node;
        if (!c.isEmpty()) out[k] = emit(c);
      }
      return out;
    };
    return emit(this.root);
  }

  copy(): FieldSet {
    return new FieldSet(this.root.copy());
  }

  insert(path: FieldPath): void {
    let n = this.root;
    for (const el of path) n = n.child(el);
    n.member = true;
  }

  has(path: FieldPath): boolean {
    return this.find(path)?.member ?? false;
  }

  /** True when the path or anything under it is a member. */
  hasAtOrBelow(path: FieldPath): boolean {
    const n = this.find(path);
    return n !== undefined && !n.isEmpty();
  }

  isEmpty(): boolean {
    for (const c of this.root.children.values()) if (c.hasMember()) return false;
    return true;
  }

  /** Member paths, parents before children. */
  paths(): string[][] {
    const out: string[][] = [];
    const walk = (node: Node, prefix: string[]): void => {
      if (node.member && prefix.length > 0) out.push(prefix);
      for (const [k, c] of node.children) walk(c, [...prefix, k]);
    };
    walk(this.root, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.root.copy();
    mergeInto(out, other.root);
    out.member = false;
    return new FieldSet(out);
  }

  intersection(other: FieldSet): FieldSet {
    return this.perTopLevel(other, (a, b) => (b ? intersectionOf(a, b) : undefined));
  }

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    return this.perTopLevel(other, differenceOf);
  }

  /** Members of this set that are neither in `other` nor under one of its members. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.perTopLevel(other, recursiveDifferenceOf);
  }

  equals(other: FieldSet): boolean {
    const a = new Node();
    const b = new Node();
    for (const [k, c] of this.root.children) a.children.set(k, c);
    for (const [k, c] of other.root.children) b.children.set(k, c);
    return sameMembers(a, b);
  }

  /** Applies op to each top-level subtree: the empty path (the root) is never a member. */
  private perTopLevel(other: FieldSet, op: (a: Node, b: Node | undefined) => Node | undefined): FieldSet {
    const out = new Node();
    for (const [k, c] of this.root.children) {
      const d = op(c, other.root.children.get(k));
      if (d) out.children.set(k, d);
    }
    return new FieldSet(out);
  }

  private find(path: FieldPath): Node | undefined {
    let n: Node | undefined = this.root;
    for (const el of path) {
      n = n.children.get(el);
      if (!n) return undefined;
    }
    return n;
  }
}

/**
 * A path in structured-merge-diff's printed form, as conflicts report it:
 * `.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]`, `[="a"]`, `[0]`.
 */
export function pathString(path: FieldPath): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      switch (el[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

const rank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's element order: fields by name, then keys, values, indexes. */
function sortedElements(els: string[]): string[] {
  // Fields alone (the usual case) share their 'f:' prefix: plain string order is name order.
  if (els.every((e) => e.startsWith('f:'))) return [...els].sort();
  // Each element's key is parsed once, not at every comparison.
  const keyed = els.map((el) => {
    const body = el.slice(2);
    const kind = el[0];
    return { el, kind, rank: rank[kind] ?? 9, body, value: kind === 'k' || kind === 'v' ? safeParse(body) : undefined };
  });
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    const x = a.body;
    const y = b.body;
    if (a.kind === 'i') return Number(x) - Number(y);
    if (a.kind === 'f') return x < y ? -1 : x > y ? 1 : 0;
    if (a.kind !== 'k' && a.kind !== 'v') return compareJson(safeParse(x), safeParse(y));
    return compareJson(a.value, b.value);
  });
  return keyed.map((k) => k.el);
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function compareJson(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      const c = compareJson((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]]);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
