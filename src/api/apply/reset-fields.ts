// Which fields a write may not own, by where it is sent. kube-apiserver's strategies
// reset the status on writes to a kind's main resource when it has a status
// subresource, and the spec on writes to /status; apply and update tracking then leave
// those fields out of the writer's set.
import { FieldSet } from './fieldset.js';

export function ignoredFieldsFor(opts: { hasStatusSubresource: boolean; subresource?: string }): FieldSet | undefined {
  if (opts.subresource === 'status') return FieldSet.of([['f:spec']]);
  if (!opts.subresource && opts.hasStatusSubresource) return FieldSet.of([['f:status']]);
  return undefined;
}
