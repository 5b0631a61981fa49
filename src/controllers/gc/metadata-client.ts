// Lists and watches that ask for metadata only (PartialObjectMetadata), as Kubernetes'
// garbage collector does: the graph needs names, uids, owners and finalizers, never
// specs, so the server sends much less and the informers hold much less.

import type { ListWatchClient } from '../../client/informer.js';
import { RestClient } from '../../client/rest-client.js';
import type { Transport } from '../../client/transport.js';

export const metadataAccept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * A client over the same transport whose requests accept metadata views. It carries the
 * transport's own credentials (client certificates); a bearer token of the original
 * client is not copied, so callers using tokens should pass their own metadata client.
 */
export function metadataClient(client: RestClient): ListWatchClient {
  const inner = client.transport;
  const transport: Transport = {
    request: (method, path, headers, body, signal) => inner.request(method, path, { ...headers, Accept: metadataAccept }, body, signal),
  };
  return new RestClient({ transport, userAgent: 'k8ts-garbage-collector' });
}
