// The controllers `k8ts server` runs, as clients of its own API server over HTTPS
// with the admin's credentials, as every other client. They share one set of
// informers, so each collection is listed and watched once.

import { InformerFactory } from '../client/informer-factory.js';
import { RestClient } from '../client/rest-client.js';
import type { Transport } from '../client/transport.js';
import { startNamespaceController } from '../controllers/namespace/index.js';
import { startRootCACertPublisher } from '../controllers/rootcacert/index.js';
import { startServiceAccountController } from '../controllers/serviceaccount/index.js';
import { startReplicaSetController } from '../controllers/replicaset/controller.js';
import { startDeploymentController } from '../controllers/deployment/controller.js';
import { startJobController } from '../controllers/job/controller.js';
import { startTTLAfterFinishedController } from '../controllers/job/ttl.js';
import { startCronJobController } from '../controllers/cronjob/controller.js';
import { startDaemonSetController } from '../controllers/daemonset/controller.js';
import { startStatefulSetController } from '../controllers/statefulset/controller.js';
import { startScheduler } from '../scheduler/start.js';
import type { SchedulerConfig } from '../scheduler/config.js';
import { startGarbageCollector } from '../controllers/gc/index.js';
import { startNodeLifecycleController } from '../controllers/nodelifecycle/index.js';
import { startNodeIpamController } from '../controllers/nodeipam/index.js';
import { startDisruptionController } from '../controllers/disruption/index.js';
import { startResourceQuotaController } from '../controllers/resourcequota/index.js';
import { startEndpointsController } from '../controllers/endpoints/index.js';
import { startEndpointSliceController, startEndpointSliceMirroringController } from '../controllers/endpointslice/index.js';
import { startServiceLBController } from '../controllers/servicelb/index.js';
import { logger, type Logger } from './log.js';

export interface ControllerCredentials {
  /** How to reach the API server (in process, from `k8ts server`). */
  transport: Transport;
  /** The cluster CA, which the root CA publisher puts in every namespace. */
  ca: string;
  log: Logger;
  /** The scheduler's KubeSchedulerConfiguration, parsed; default profile when absent. */
  schedulerConfig?: SchedulerConfig;
  /** How long a node may stay silent before it is NotReady (kube-controller-manager's --node-monitor-grace-period). */
  nodeMonitorGracePeriodMs: number;
}

export async function startControllers(creds: ControllerCredentials): Promise<{ stop(): Promise<void> }> {
  const client = new RestClient({ transport: creds.transport, userAgent: 'k8ts-controller-manager' });
  const informers = new InformerFactory({ client, log: logger('informers') });
  const running = [
    startNamespaceController({ client, informers, log: logger('namespace-controller') }),
    startServiceAccountController({ client, informers, log: logger('serviceaccount-controller') }),
    startRootCACertPublisher({ client, informers, log: logger('root-ca-cert-publisher'), caPem: creds.ca }),
    startReplicaSetController({ client, informers, log: logger('replicaset-controller') }),
    startDeploymentController({ client, informers, log: logger('deployment-controller') }),
    startJobController({ client, informers, log: logger('job-controller') }),
    startTTLAfterFinishedController({ client, informers, log: logger('ttl-after-finished-controller') }),
    startCronJobController({ client, informers, log: logger('cronjob-controller') }),
    startDaemonSetController({ client, informers, log: logger('daemonset-controller') }),
    startStatefulSetController({ client, informers, log: logger('statefulset-controller') }),
    startScheduler({ client, log: logger('scheduler'), config: creds.schedulerConfig }),
    startGarbageCollector({ client, log: logger('garbage-collector') }),
    startNodeLifecycleController({ client, informers, log: logger('node-lifecycle-controller'), nodeMonitorGracePeriodMs: creds.nodeMonitorGracePeriodMs }),
    startNodeIpamController({ client, informers, log: logger('node-ipam-controller') }),
    startDisruptionController({ client, informers, log: logger('disruption-controller') }),
    startResourceQuotaController({ client, informers, log: logger('resourcequota-controller') }),
    startEndpointsController({ client, informers, log: logger('endpoints-controller') }),
    startEndpointSliceController({ client, informers, log: logger('endpointslice-controller') }),
    startEndpointSliceMirroringController({ client, informers, log: logger('endpointslicemirroring-controller') }),
    startServiceLBController({ client, informers, log: logger('service-lb-controller') }),
  ];
  informers.start();
  creds.log.info('controllers started: namespace, serviceaccount, root-ca-cert-publisher, replicaset, deployment, job, ttl-after-finished, cronjob, daemonset, statefulset, garbage-collector, node-lifecycle, node-ipam, disruption, resourcequota, endpoints, endpointslice, endpointslice-mirroring, service-lb; scheduler started');
  return {
    async stop() {
      await Promise.all(running.map((c) => c.stop()));
      await informers.stop();
    },
  };
}
