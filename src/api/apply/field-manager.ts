// The field manager a write is recorded under: the `fieldManager` query parameter, or
// else (not for apply, which requires it) the user agent up to its first "/", as
// kube-apiserver derives it ("kubectl/v1.30.0 (linux/amd64) ..." -> "kubectl"). kubectl
// itself always sends one: kubectl-create, kubectl-edit, kubectl-client-side-apply,
// kubectl-patch, kubectl-label, kubectl-annotate, kubectl (server-side apply), ...
import { ApplyError } from './errors.js';

export const fieldManagerMaxLength = 128;

export function fieldManagerFor(opts: { fieldManager?: string; userAgent?: string; apply?: boolean }): string {
  const given = opts.fieldManager ?? '';
  if (given !== '') {
    if (given.length > fieldManagerMaxLength) {
      throw new ApplyError(`fieldManager: Too long: may not be more than ${fieldManagerMaxLength} bytes`, 422);
    }
    if (!isPrintable(given)) throw new ApplyError(`fieldManager: Invalid value: ${JSON.stringify(given)}: must only contain printable characters`, 422);
    return given;
  }
  if (opts.apply) throw new ApplyError('fieldManager: Required value: is required for apply patch', 422);
  let out = '';
  for (const ch of (opts.userAgent ?? '').split('/')[0]) {
    if (!isPrintable(ch)) continue;
    if (out.length >= fieldManagerMaxLength) break;
    out += ch;
  }
  return out;
}

function isPrintable(s: string): boolean {
  // Letters, marks, numbers, punctuation, symbols and the ASCII space, as Go's unicode.IsPrint.
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(s);
}
