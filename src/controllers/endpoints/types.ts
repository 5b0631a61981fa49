// The parts of Services, Pods and Nodes that the endpoints controllers read.

import type { KObject } from '../../client/types.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

export interface ServiceObj extends KObject {
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    ports?: ServicePort[];
    clusterIP?: string;
    publishNotReadyAddresses?: boolean;
  };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodObj extends KObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { name: string; ports?: ContainerPort[] }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string }[];
  };
}

export interface NodeObj extends KObject {}

/** One resolved port of one address, as Endpoints and EndpointSlices both carry it. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
