// A small flag parser for k8ts' commands: `--name value`, `--name=value`, boolean
// switches, and positional arguments. Unknown flags and missing values are errors
// that name the flag, so the command can say what was wrong and exit non-zero.

export interface FlagSpec {
  /** Flags taking a value, with their defaults (undefined: no default). */
  values?: Record<string, string | undefined>;
  /** Boolean switches. */
  switches?: string[];
  /** Single-letter aliases: { d: 'detach' }. */
  aliases?: Record<string, string>;
  /** Stop parsing flags at the first positional argument (for `run IMAGE CMD...`). */
  stopAtPositional?: boolean;
  /** Flags that may repeat: their values are collected in `lists`. */
  repeated?: string[];
}

export interface ParsedFlags {
  values: Record<string, string | undefined>;
  switches: Set<string>;
  lists: Record<string, string[]>;
  positional: string[];
}

export class FlagError extends Error {
  readonly code = 'FLAG_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export function parseFlags(args: string[], spec: FlagSpec): ParsedFlags {
  const values: Record<string, string | undefined> = { ...(spec.values ?? {}) };
  const switches = new Set<string>();
  const lists: Record<string, string[]> = {};
  const positional: string[] = [];
  const takesValue = (n: string) => n in (spec.values ?? {}) || (spec.repeated ?? []).includes(n);
  const isSwitch = (n: string) => (spec.switches ?? []).includes(n);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      if (spec.stopAtPositional) {
        positional.push(...args.slice(i + 1));
        break;
      }
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
    } else {
      const letters = a.slice(1);
      // -it: several switches in one.
      if (letters.length > 1 && [...letters].every((l) => isSwitch(spec.aliases?.[l] ?? ''))) {
        for (const l of letters) switches.add(spec.aliases![l]);
        continue;
      }
      const alias = spec.aliases?.[letters];
      if (!alias) throw new FlagError(`unknown shorthand flag: '${letters}' in ${a}`);
      name = alias;
    }
    if (isSwitch(name)) {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new FlagError(`invalid value ${JSON.stringify(inline)} for flag --${name}: want true or false`);
      if (inline === 'false') switches.delete(name);
      else switches.add(name);
      continue;
    }
    if (!takesValue(name)) throw new FlagError(`unknown flag: --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    if ((spec.repeated ?? []).includes(name)) (lists[name] ??= []).push(value);
    else values[name] = value;
  }
  return { values, switches, lists, positional };
}
