// The query parameters of the REST operations, as kube-apiserver documents them.
// kubectl probes for `fieldValidation` on PATCH operations to decide whether the
// server validates fields itself, so every write operation must list it.

export interface ParamSpec {
  type: 'string' | 'integer' | 'boolean';
  description: string;
  uniqueItems?: boolean;
}

export const parameterSpecs = {
  pretty: { type: 'string', description: "If 'true', then the output is pretty printed." },
  dryRun: { type: 'string', description: 'When present, the change is validated and admitted but not persisted. The only valid value is All.' },
  fieldManager: { type: 'string', description: 'The name of the actor making the change, recorded in managedFields. Required for apply patches.' },
  fieldValidation: {
    type: 'string',
    description: 'What to do with unknown or duplicate fields in the body: Ignore drops them silently, Warn (the default) drops them and adds a Warning header for each, Strict rejects the request with 400 Bad Request.',
  },
  force: { type: 'boolean', description: 'For apply patches: take ownership of fields other managers own instead of failing with a conflict. Must be unset for other patch types.' },
  allowWatchBookmarks: { type: 'boolean', description: 'Ask the server to send BOOKMARK events on watches. Servers may ignore it.' },
  continue: { type: 'string', description: 'The token from a previous page of the same list, to get the next page.' },
  fieldSelector: { type: 'string', description: 'Restrict the results by their fields, e.g. metadata.name=x or spec.nodeName!=. Defaults to everything.' },
  labelSelector: { type: 'string', description: 'Restrict the results by their labels, e.g. app=web,tier!=db. Defaults to everything.' },
  limit: { type: 'integer', description: 'The most items to return in one page; more pages are reachable through continue.' },
  resourceVersion: { type: 'string', description: 'Which version of the data to read or watch from; see the API concepts on resource versions.' },
  resourceVersionMatch: { type: 'string', description: 'How resourceVersion applies to a list: NotOlderThan or Exact.' },
  sendInitialEvents: { type: 'boolean', description: 'With watch=true: start with synthetic ADDED events for the current state, then a bookmark.' },
  timeoutSeconds: { type: 'integer', description: 'End the list or watch call after this many seconds, whether or not there is activity.' },
  watch: { type: 'boolean', description: 'Watch for changes instead of listing: returns a stream of add, update and delete events.' },
  gracePeriodSeconds: { type: 'integer', description: 'Seconds before the object is deleted; 0 deletes immediately. Defaults to the kind’s own period.' },
  ignoreStoreReadErrorWithClusterBreakingPotential: { type: 'boolean', description: 'Delete an object that can no longer be read from storage. Dangerous; needs a special permission.' },
  orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy. Whether dependents are orphaned.' },
  propagationPolicy: { type: 'string', description: 'Whether and how dependents are garbage collected: Orphan, Background or Foreground.' },
  container: { type: 'string', description: 'The container to use; optional when the pod has only one.' },
  follow: { type: 'boolean', description: 'Keep streaming the log as it grows.' },
  insecureSkipTLSVerifyBackend: { type: 'boolean', description: 'Do not verify the serving certificate of the kubelet when fetching logs.' },
  limitBytes: { type: 'integer', description: 'Stop after this many bytes of log.' },
  previous: { type: 'boolean', description: 'Return the log of the previous, terminated run of the container.' },
  sinceSeconds: { type: 'integer', description: 'Only log lines newer than this many seconds.' },
  sinceTime: { type: 'string', description: 'Only log lines newer than this RFC 3339 time.' },
  stream: { type: 'string', description: 'Which log stream: All (default), Stdout or Stderr.' },
  tailLines: { type: 'integer', description: 'Only this many lines from the end of the log.' },
  timestamps: { type: 'boolean', description: 'Prefix every line with its RFC 3339 timestamp.' },
  command: { type: 'string', description: 'The command to run; repeat the parameter for each argument.' },
  stderr: { type: 'boolean', description: 'Redirect the standard error stream.' },
  stdin: { type: 'boolean', description: 'Redirect the standard input stream.' },
  stdout: { type: 'boolean', description: 'Redirect the standard output stream.' },
  tty: { type: 'boolean', description: 'Allocate a terminal.' },
  ports: { type: 'integer', description: 'Ports to forward.' },
  path: { type: 'string', description: 'The path of the request to proxy.' },
} satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof parameterSpecs;

const list: ParamName[] = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const deleteOnly: ParamName[] = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];

export const queryParams = {
  list,
  write: ['dryRun', 'fieldManager', 'fieldValidation'] as ParamName[],
  patch: ['dryRun', 'fieldManager', 'fieldValidation', 'force'] as ParamName[],
  delete: deleteOnly,
  deleteCollection: ['continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'] as ParamName[],
  log: ['container', 'follow', 'insecureSkipTLSVerifyBackend', 'limitBytes', 'previous', 'sinceSeconds', 'sinceTime', 'stream', 'tailLines', 'timestamps'] as ParamName[],
  exec: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'] as ParamName[],
  attach: ['container', 'stderr', 'stdin', 'stdout', 'tty'] as ParamName[],
};

/** Path parameters, shared by every operation of a path. */
export const pathParamSpecs: Record<'namespace' | 'name' | 'path', ParamSpec> = {
  namespace: { type: 'string', description: 'object name and auth scope, such as for teams and projects' },
  name: { type: 'string', description: 'name of the object' },
  path: { type: 'string', description: 'path to the resource' },
};
