// Errors raised while applying a patch. Each carries the HTTP status kube-apiserver
// answers with for the same failure, so the API server can build its Status object
// without knowing which patch flavour failed:
//
//   JSON patch (RFC 6902)   body not a JSON array of objects     400 BadRequest
//                           more than 10000 operations            413 RequestEntityTooLarge
//                           an operation that cannot be applied   422 Invalid (kube's message is the
//                             (bad op, missing path, failed test)  generic "the server rejected our
//                                                                  request due to an error in our
//                                                                  request"; the specific text goes in
//                                                                  details.causes[0].message with
//                                                                  reason UnexpectedServerResponse)
//   JSON merge patch        body not a JSON object/value          400 BadRequest
//   strategic merge patch   malformed directive lists             400 BadRequest
//                             ($deleteFromPrimitiveList, $retainKeys, $setElementOrder)
//                           lists of lists, patch keys outside     422 Invalid
//                             $retainKeys
//                           anything else (missing merge key,     kube passes the raw error through
//                             unknown $patch value, ...)           (an InternalError); we answer 422,
//                                                                  because it is the client's patch
//                                                                  that is wrong.

export type PatchErrorStatus = 400 | 413 | 422;

export class PatchError extends Error {
  override readonly name = 'PatchError';
  /** HTTP status the API server should answer with. */
  readonly status: PatchErrorStatus;
  /** Stable code for tests and logs, e.g. 'path-not-found', 'test-failed', 'no-merge-key'. */
  readonly code: string;

  constructor(message: string, options: { status?: PatchErrorStatus; code: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? 422;
    this.code = options.code;
  }
}
