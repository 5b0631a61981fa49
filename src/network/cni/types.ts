// The shapes the CNI specification (1.0.0) defines for network configuration lists,
// plugin results and plugin errors, plus the narrow view of a Pod this package reads.

/** One plugin's configuration inside a network configuration list. */
export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A network configuration list (`.conflist`), as the runtime writes it to disk. */
export interface CniNetworkConfList {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  plugins: CniPluginConf[];
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR notation: the address and the prefix length of its subnet. */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

/** A plugin's ADD result (spec "Success" output), the value chained as prevResult. */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
  [key: string]: unknown;
}

/** A plugin's error output. */
export interface CniErrorOutput {
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

/** runtimeConfig entry for the portMappings capability, as portmap reads it. */
export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP?: string;
}

/** The fields of a core/v1 Pod this package reads; any Pod JSON object fits. */
export interface PodLike {
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  spec?: {
    containers?: Array<{
      ports?: Array<{ containerPort?: number; hostPort?: number; protocol?: string; hostIP?: string }>;
    }>;
  };
}

/** What CNI needs to know about the sandbox: its id (CNI_CONTAINERID) and netns path. */
export interface SandboxRef {
  id: string;
  netnsPath: string;
}
