// The API server's selectors, over src/api/selectors: parse errors become 400s.

import type { ResourceType } from '../../api/resources.js';
import { fieldMatcher, parseFieldSelector, parseLabelSelector, validateFieldSelector } from '../../api/selectors/index.js';
import { errors } from '../errors.js';
import type { Selectors } from '../seams.js';

function badRequest(err: unknown): never {
  throw errors.badRequest(err instanceof Error ? err.message : String(err));
}

export const builtinSelectors: Selectors = {
  labels(selector) {
    let sel;
    try {
      sel = parseLabelSelector(selector);
    } catch (err) {
      badRequest(err);
    }
    return (obj) => sel.matches(obj.metadata.labels ?? {});
  },
  fields(r: ResourceType, selector) {
    try {
      const sel = parseFieldSelector(selector);
      validateFieldSelector(r.group, r.kind, sel);
      const match = fieldMatcher(r.group, r.kind, sel);
      return (obj) => match(obj as unknown as Parameters<typeof match>[0]);
    } catch (err) {
      badRequest(err);
    }
  },
  exactField(selector, field) {
    try {
      return parseFieldSelector(selector).requiresExactMatch(field);
    } catch {
      return undefined;
    }
  },
};
