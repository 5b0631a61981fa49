// RFC 6901 JSON pointers: "/a/b~1c/0" names a.["b/c"][0]; "" names the whole document.
import { PatchError } from './errors.js';

/** Splits a pointer into unescaped reference tokens. Throws PatchError on a malformed pointer. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`, { code: 'bad-pointer' });
  }
  return pointer.slice(1).split('/').map((token) => {
    // Only ~0 and ~1 are escapes; any other "~" sequence is an error (RFC 6901 section 3).
    if (/~(?![01])/.test(token)) {
      throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`, { code: 'bad-pointer' });
    }
    // ~1 first, then ~0, so that "~01" becomes "~1" and not "/".
    return token.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * An array index token: digits without leading zeros (RFC 6901 section 4). Returns
 * undefined for "-" and throws for anything else that is not an index.
 */
export function arrayIndex(token: string, pointer: string): number | undefined {
  if (token === '-') return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw new PatchError(`invalid array index ${JSON.stringify(token)} in path ${JSON.stringify(pointer)}`, { code: 'bad-index' });
  }
  return Number(token);
}
