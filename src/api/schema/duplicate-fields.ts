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
    s.value('', out);
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

class Scanner {
  private i = 0;
  constructor(private readonly text: string) {}

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i])) this.i++;
    if (this.i >= this.text.length) throw new EndOfInputError();
  }

  value(path: string, out: string[]): void {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') this.object(path, out);
    else if (c === '[') this.array(path, out);
    else if (c === '"') this.string();
    else this.scalar();
  }

  private object(path: string, out: string[]): void {
    this.i++;
    const seen = new Set<string>();
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      const child = `${path}.${key}`;
      if (seen.has(key)) out.push(child);
      seen.add(key);
      this.ws();
      if (this.text[this.i] !== ':') throw new EndOfInputError();
      this.i++;
      this.value(child, out);
      this.ws();
      const c = this.text[this.i++];
      if (c === '}') return;
      if (c !== ',') throw new EndOfInputError();
    }
  }

  private array(path: string, out: string[]): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (let n = 0; ; n++) {
      this.value(`${path}[${n}]`, out);
      this.ws();
      const c = this.text[this.i++];
      if (c === ']') return;
      if (c !== ',') throw new EndOfInputError();
    }
  }

  /** Reads a string literal and returns its decoded value. */
  private string(): string {
    if (this.text[this.i] !== '"') throw new EndOfInputError();
    const start = this.i;
    this.i++;
    let escaped = false;
    while (this.i < this.text.length) {
      const c = this.text[this.i++];
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') return JSON.parse(this.text.slice(start, this.i)) as string;
    }
    throw new EndOfInputError();
  }

  private scalar(): void {
    while (this.i < this.text.length && !',]} \t\n\r'.includes(this.text[this.i])) this.i++;
  }
}
