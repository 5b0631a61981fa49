// Duplicate-field detection for fieldValidation=Strict and =Warn. JSON.parse keeps the
// last of two equal keys silently, so duplicates must be found in the text itself; this
// scanner walks the JSON once, tracking the keys seen in each object, and reports each
// repeated key with its path as kube-apiserver does (`duplicate field "spec.replicas"`).
// It does not validate: malformed input just ends the scan (the parser reports it).

/** Paths (`.spec.replicas`, `.spec.containers[0].name`) of keys that occur twice in one object. */
export function findDuplicateFields(json: string): string[] {
  const s = new Scanner(json);
  const out: string[] = [];
  try {
    s.value(out);
  } catch (e) {
    if (!(e instanceof EndOfInputError)) throw e;
  }
  return out;
}

/** `duplicate field "spec.replicas"`: one entry of a strict decoding error, or one Warning. */
export function duplicateFieldMessage(path: string): string {
  return `duplicate field "${path.startsWith('.') ? path.slice(1) : path}"`;
}

class EndOfInputError extends Error {
  constructor() {
    super('unexpected end of JSON input');
    this.name = 'EndOfInputError';
  }
}

// Character codes the scanner compares against.
const SPACE = 32, TAB = 9, LF = 10, CR = 13, QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const LBRACE = 123, RBRACE = 125, LBRACKET = 91, RBRACKET = 93;

const isSpace = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;

/**
 * Runs once per request body, so it stays cheap: character codes rather than characters,
 * keys decoded only when they hold escapes, and the path kept as a stack of segments
 * that becomes a string only for a key that repeats.
 */
class Scanner {
  private i = 0;
  private readonly path: string[] = [];
  constructor(private readonly text: string) {}

  private ws(): number {
    const t = this.text;
    while (this.i < t.length && isSpace(t.charCodeAt(this.i))) this.i++;
    if (this.i >= t.length) throw new EndOfInputError();
    return t.charCodeAt(this.i);
  }

  value(out: string[]): void {
    const c = this.ws();
    if (c === LBRACE) this.object(out);
    else if (c === LBRACKET) this.array(out);
    else if (c === QUOTE) this.skipString();
    else this.scalar();
  }

  private object(out: string[]): void {
    this.i++;
    if (this.ws() === RBRACE) {
      this.i++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      this.ws();
      const key = this.key();
      this.path.push(`.${key}`);
      if (seen.has(key)) out.push(this.path.join(''));
      seen.add(key);
      if (this.ws() !== COLON) throw new EndOfInputError();
      this.i++;
      this.value(out);
      this.path.pop();
      const c = this.ws();
      this.i++;
      if (c === RBRACE) return;
      if (c !== COMMA) throw new EndOfInputError();
    }
  }

  private array(out: string[]): void {
    this.i++;
    if (this.ws() === RBRACKET) {
      this.i++;
      return;
    }
    for (let n = 0; ; n++) {
      this.path.push(`[${n}]`);
      this.value(out);
      this.path.pop();
      const c = this.ws();
      this.i++;
      if (c === RBRACKET) return;
      if (c !== COMMA) throw new EndOfInputError();
    }
  }

  /** Reads a key's string literal and returns its decoded value. */
  private key(): string {
    const start = this.i;
    const escaped = this.skipString();
    return escaped ? (JSON.parse(this.text.slice(start, this.i)) as string) : this.text.slice(start + 1, this.i - 1);
  }

  /** Moves past a string literal; true when it holds escapes. */
  private skipString(): boolean {
    const t = this.text;
    if (t.charCodeAt(this.i) !== QUOTE) throw new EndOfInputError();
    this.i++;
    let escapes = false;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i++);
      if (c === BACKSLASH) {
        escapes = true;
        this.i++;
      } else if (c === QUOTE) return escapes;
    }
    throw new EndOfInputError();
  }

  private scalar(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === COMMA || c === RBRACKET || c === RBRACE || isSpace(c)) return;
      this.i++;
    }
  }
}
