// Selector errors. Both become 400 BadRequest in the API server, whose message wraps
// ours: `Unable to find {"" "v1" "pods"} that match label selector "x", field selector
// "y": <message>` for lists, or the bare message elsewhere.

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
  constructor(message: string, readonly selector: string) {
    super(message);
  }
}

/** A field selector that names a field the kind does not support: "field label not supported: foo". */
export class UnsupportedFieldError extends Error {
  override readonly name = 'UnsupportedFieldError';
  constructor(readonly field: string) {
    super(`field label not supported: ${field}`);
  }
}
