// The controllers `k8ts server` runs, as clients of its own API server over HTTPS
// with the admin's credentials, as every other client.

import { RestClient } from '../client/rest-client.js';
import { startNamespaceController } from '../controllers/namespace/index.js';
import { startServiceAccountController } from '../controllers/serviceaccount/index.js';
import { logger, type Logger } from './log.js';

export interface ControllerCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
  log: Logger;
}

export async function startControllers(creds: ControllerCredentials): Promise<{ stop(): Promise<void> }> {
  const client = new RestClient({ server: creds.server, ca: creds.ca, cert: creds.cert, key: creds.key, userAgent: 'k8ts-controller-manager' });
  const running = [
    startNamespaceController({ client, log: logger('namespace-controller') }),
    startServiceAccountController({ client, log: logger('serviceaccount-controller') }),
  ];
  creds.log.info(`controllers started: namespace, serviceaccount`);
  return {
    async stop() {
      await Promise.all(running.map((c) => c.stop()));
    },
  };
}
