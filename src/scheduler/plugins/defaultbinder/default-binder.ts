// DefaultBinder: POST pods/NAME/binding, as kube-scheduler binds.

import { Status } from '../../framework/status.js';
import type { BindPlugin } from '../../framework/interfaces.js';
import type { KObject } from '../../../client/types.js';
import type { Pod } from '../../types.js';
import { DefaultBinderName } from '../names.js';

export interface BindClient {
  create<T extends KObject>(path: string, body: unknown): Promise<T>;
}

export class DefaultBinder implements BindPlugin {
  readonly name = DefaultBinderName;

  constructor(private readonly client: BindClient) {}

  async bind(pod: Pod, nodeName: string): Promise<Status> {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    try {
      await this.client.create(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      return Status.success();
    } catch (err) {
      return Status.error(err as Error);
    }
  }
}
