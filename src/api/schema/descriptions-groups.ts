// What `kubectl explain` prints for the kinds outside the core group, and for the
// object metadata every kind shares. Written for k8ts in plain words.

import type { DescriptionTable } from './dsl.js';

const metadata = 'Standard object metadata: name, namespace, labels, annotations, owners and bookkeeping.';
const listMeta = 'List metadata: the resourceVersion the list was read at and the continue token for paging.';

export const metaDescriptions: DescriptionTable = {
  ObjectMeta: {
    '': 'Metadata every persisted object carries.',
    name: 'The name, unique within the namespace (or the cluster, for cluster-scoped kinds).',
    generateName: 'A prefix from which the server makes a unique name when name is empty.',
    namespace: 'The namespace the object lives in; empty for cluster-scoped kinds.',
    uid: 'A unique identifier the server assigns at creation; never reused.',
    resourceVersion: 'An opaque version string that changes on every write; used for optimistic concurrency and watches.',
    generation: 'A counter of changes to the desired state, maintained by the server.',
    creationTimestamp: 'When the object was created. Set by the server.',
    deletionTimestamp: 'When deletion was requested; the object goes once its finalizers are done.',
    deletionGracePeriodSeconds: 'The grace period granted when deletion was requested.',
    labels: 'Key-value pairs for selecting and grouping objects.',
    annotations: 'Key-value pairs for tools and controllers; not used for selection.',
    ownerReferences: 'Objects this one depends on; when all owners are gone the garbage collector deletes it.',
    finalizers: 'Names of pending cleanups that must be removed before the object is deleted.',
    managedFields: 'Which manager owns which fields, as tracked by server-side apply.',
  },
  ListMeta: { '': 'Metadata of a list response.', resourceVersion: 'The version the list was read at; watch from it to see later changes.', continue: 'A token to fetch the next page; empty on the last page.', remainingItemCount: 'An estimate of items left after this page.' },
  OwnerReference: {
    '': 'Identifies an owner of an object.',
    apiVersion: 'The API version of the owner.',
    kind: 'The kind of the owner.',
    name: 'The name of the owner.',
    uid: 'The UID of the owner.',
    controller: 'Whether this owner is the managing controller. At most one owner may be.',
    blockOwnerDeletion: 'In foreground deletion, the owner waits for this object to be gone.',
  },
  ManagedFieldsEntry: { '': 'The fields one manager owns through one operation.', manager: 'The field manager name.', operation: 'Apply or Update.', fieldsV1: 'The owned fields.' },
  Status: { '': 'The result of an operation that returns no object, usually an error.', status: 'Success or Failure.', message: 'What happened, for humans.', reason: 'A machine readable reason, such as NotFound.', details: 'Extra data about the failure.', code: 'The HTTP status code.' },
  DeleteOptions: { '': 'Options of a delete request.', gracePeriodSeconds: 'Seconds before the object is removed; 0 means now.', propagationPolicy: 'Orphan, Background or Foreground: what happens to dependents.', preconditions: 'The UID or resourceVersion the object must still have.', dryRun: 'All to validate without persisting.' },
  LabelSelector: { '': 'Selects objects by label. The requirements are ANDed; an empty selector matches everything.', matchLabels: 'Labels that must all be equal.', matchExpressions: 'Set-based requirements.' },
  WatchEvent: { '': 'One change seen by a watch.', type: 'ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', object: 'The object after the change, or a Status for ERROR.' },
  Table: { '': 'Objects rendered as rows for display, as kubectl get prints them.', columnDefinitions: 'The columns.', rows: 'One row per object.' },
};

export const appsDescriptions: DescriptionTable = {
  Deployment: { '': 'A Deployment runs replicas of a pod template and rolls out changes to it gradually through ReplicaSets.', metadata, spec: 'The desired state.', status: 'The observed rollout state.' },
  DeploymentList: { '': 'A list of Deployments.', metadata: listMeta },
  DeploymentSpec: {
    '': 'The desired state of a deployment.',
    replicas: 'How many pods to run. Defaults to 1.',
    selector: 'Which pods belong to the deployment; must match the template labels.',
    template: 'The pods to create.',
    strategy: 'How to replace old pods: RollingUpdate (default) or Recreate.',
    minReadySeconds: 'Seconds a new pod must be ready before it counts as available.',
    revisionHistoryLimit: 'How many old ReplicaSets to keep for rollback. Defaults to 10.',
    paused: 'Stop rolling out changes to the template.',
    progressDeadlineSeconds: 'Seconds without progress before the rollout is reported as failed.',
  },
  DeploymentStatus: { '': 'The observed state of a deployment.', replicas: 'Pods targeted by the deployment.', updatedReplicas: 'Pods of the current template.', readyReplicas: 'Ready pods.', availableReplicas: 'Pods ready for at least minReadySeconds.', conditions: 'Available and Progressing.' },
  DeploymentStrategy: { '': 'How a deployment replaces pods.', type: 'RollingUpdate or Recreate.', rollingUpdate: 'Parameters of a rolling update.' },
  RollingUpdateDeployment: { '': 'Bounds of a rolling update.', maxUnavailable: 'How many pods may be unavailable during the update (number or percentage).', maxSurge: 'How many pods may be created above the desired count (number or percentage).' },
  ReplicaSet: { '': 'A ReplicaSet keeps a number of identical pods running.', metadata, spec: 'Replicas, selector and template.', status: 'Observed replica counts.' },
  StatefulSet: { '': 'A StatefulSet runs pods with stable names and storage, created and updated in order.', metadata, spec: 'The desired state.', status: 'The observed state.' },
  StatefulSetSpec: { '': 'The desired state of a stateful set.', replicas: 'How many pods to run.', serviceName: 'The headless service giving the pods their DNS names.', volumeClaimTemplates: 'Claims created for each pod.', podManagementPolicy: 'OrderedReady (default) or Parallel.' },
  DaemonSet: { '': 'A DaemonSet runs one copy of a pod on every (selected) node.', metadata, spec: 'The desired state.', status: 'The observed state.' },
  ControllerRevision: { '': 'An immutable snapshot of a controller template, used for rollbacks.', metadata, data: 'The snapshot.', revision: 'The revision number.' },
};

export const batchDescriptions: DescriptionTable = {
  Job: { '': 'A Job runs pods until a number of them complete successfully.', metadata, spec: 'The desired state.', status: 'The observed progress.' },
  JobSpec: {
    '': 'The desired state of a job.',
    parallelism: 'How many pods may run at once.',
    completions: 'How many successful pods finish the job.',
    backoffLimit: 'Retries before the job is marked failed. Defaults to 6.',
    activeDeadlineSeconds: 'Seconds the job may run before it is failed.',
    template: 'The pods to run; restartPolicy must be Never or OnFailure.',
    ttlSecondsAfterFinished: 'Seconds after finishing before the job is deleted.',
    suspend: 'While true, no pods are created and running ones are stopped.',
    completionMode: 'NonIndexed (default) or Indexed.',
  },
  JobStatus: { '': 'The observed state of a job.', active: 'Running pods.', succeeded: 'Pods that succeeded.', failed: 'Pods that failed.', startTime: 'When the job started.', completionTime: 'When the job completed.', conditions: 'Complete, Failed, Suspended and others.' },
  CronJob: { '': 'A CronJob creates Jobs on a repeating schedule.', metadata, spec: 'The schedule and job template.', status: 'The last schedule times and active jobs.' },
  CronJobSpec: {
    '': 'The desired state of a cron job.',
    schedule: 'The schedule in cron format, such as "*/5 * * * *".',
    timeZone: 'The time zone of the schedule; the controller’s local zone if unset.',
    concurrencyPolicy: 'Allow (default), Forbid or Replace overlapping runs.',
    suspend: 'Stop creating jobs.',
    jobTemplate: 'The job to create at each run.',
    successfulJobsHistoryLimit: 'Finished successful jobs to keep. Defaults to 3.',
    failedJobsHistoryLimit: 'Failed jobs to keep. Defaults to 1.',
  },
};

const hpa = { '': 'A HorizontalPodAutoscaler adjusts the replica count of a scalable resource from observed metrics.', metadata, spec: 'Target, bounds and metrics.', status: 'The current and desired replica counts.' };

export const autoscalingV1Descriptions: DescriptionTable = {
  HorizontalPodAutoscaler: hpa,
  HorizontalPodAutoscalerSpec: { '': 'The desired behaviour of an autoscaler.', scaleTargetRef: 'The resource to scale.', minReplicas: 'The lower bound. Defaults to 1.', maxReplicas: 'The upper bound.', targetCPUUtilizationPercentage: 'The average CPU use, as a percentage of requests, to aim for.' },
  Scale: { '': 'The scale subresource: desired and observed replicas of a scalable resource.', metadata, spec: 'The desired replicas.', status: 'The observed replicas and pod selector.' },
  ScaleSpec: { '': 'The desired scale.', replicas: 'The desired number of instances.' },
  ScaleStatus: { '': 'The observed scale.', replicas: 'The observed number of instances.', selector: 'The label selector of the pods, in string form.' },
};

export const autoscalingV2Descriptions: DescriptionTable = {
  HorizontalPodAutoscaler: hpa,
  HorizontalPodAutoscalerSpec: { '': 'The desired behaviour of an autoscaler.', scaleTargetRef: 'The resource to scale.', minReplicas: 'The lower bound. Defaults to 1.', maxReplicas: 'The upper bound.', metrics: 'The metrics to aim for; the largest proposal wins.', behavior: 'How fast to scale up and down.' },
};

export const smallGroupDescriptions: Record<string, DescriptionTable> = {
  'io.k8s.api.coordination.v1': {
    Lease: { '': 'A Lease is a lightweight lock with a holder and an expiry, used for leader election and node heartbeats.', metadata, spec: 'The holder and timing.' },
    LeaseSpec: { '': 'The state of a lease.', holderIdentity: 'Who holds it.', leaseDurationSeconds: 'How long a holder keeps it without renewing.', acquireTime: 'When it was acquired.', renewTime: 'When it was last renewed.', leaseTransitions: 'How many times it changed hands.' },
  },
  'io.k8s.api.discovery.v1': {
    EndpointSlice: { '': 'An EndpointSlice lists some of the network endpoints of a service.', metadata, addressType: 'IPv4, IPv6 or FQDN.', endpoints: 'The endpoints.', ports: 'The ports every endpoint serves.' },
  },
  'io.k8s.api.events.v1': {
    Event: { '': 'An Event reports something that happened to an object (events.k8s.io form).', metadata, reason: 'Why the action was taken.', note: 'A human readable description.', regarding: 'The object it is about.', type: 'Normal or Warning.' },
  },
  'io.k8s.api.rbac.v1': {
    Role: { '': 'A Role grants permissions within one namespace.', metadata, rules: 'The permissions.' },
    ClusterRole: { '': 'A ClusterRole grants permissions cluster-wide or, through RoleBindings, within a namespace.', metadata, rules: 'The permissions.', aggregationRule: 'Builds the rules from other cluster roles by label.' },
    RoleBinding: { '': 'A RoleBinding grants a role to subjects within one namespace.', metadata, subjects: 'Who is granted the role.', roleRef: 'The Role or ClusterRole granted.' },
    ClusterRoleBinding: { '': 'A ClusterRoleBinding grants a cluster role to subjects everywhere.', metadata, subjects: 'Who is granted the role.', roleRef: 'The ClusterRole granted.' },
    PolicyRule: { '': 'A set of allowed verbs on resources or URLs.', verbs: 'Such as get, list, watch; * for all.', apiGroups: 'The API groups; "" is core.', resources: 'The resources; * for all.', resourceNames: 'Restrict to these object names.', nonResourceURLs: 'Paths such as /healthz.' },
    Subject: { '': 'A user, group or service account.', kind: 'User, Group or ServiceAccount.', name: 'The name.', namespace: 'The namespace of a service account.' },
  },
  'io.k8s.api.scheduling.v1': {
    PriorityClass: { '': 'A PriorityClass maps a name to a pod priority.', metadata, value: 'The priority; higher runs first.', globalDefault: 'Use for pods without a class.', preemptionPolicy: 'PreemptLowerPriority (default) or Never.' },
  },
  'io.k8s.api.storage.v1': {
    StorageClass: { '': 'A StorageClass describes a kind of storage that volumes can be provisioned from.', metadata, provisioner: 'The provisioner name.', parameters: 'Provisioner parameters.', reclaimPolicy: 'Delete (default) or Retain.', volumeBindingMode: 'Immediate (default) or WaitForFirstConsumer.' },
  },
  'io.k8s.api.networking.v1': {
    Ingress: { '': 'An Ingress routes outside HTTP traffic to services by host and path.', metadata, spec: 'The routing rules.', status: 'The load balancer address.' },
    IngressSpec: { '': 'The routing of an ingress.', ingressClassName: 'The IngressClass serving it.', defaultBackend: 'Where unmatched requests go.', tls: 'TLS settings per host.', rules: 'Host and path rules.' },
    IngressRule: { '': 'The paths of one host.', host: 'The host name; empty matches all.', http: 'The paths.' },
    NetworkPolicy: { '': 'A NetworkPolicy restricts which traffic may reach or leave the selected pods.', metadata, spec: 'The rules.' },
    NetworkPolicySpec: { '': 'The rules of a network policy.', podSelector: 'The pods it applies to.', ingress: 'Allowed incoming traffic.', egress: 'Allowed outgoing traffic.', policyTypes: 'Ingress, Egress or both.' },
    IngressClass: { '': 'An IngressClass names a controller that implements ingresses.', metadata, spec: 'The controller and parameters.' },
  },
  'io.k8s.api.policy.v1': {
    PodDisruptionBudget: { '': 'A PodDisruptionBudget limits how many pods of a set voluntary disruptions may take down at once.', metadata, spec: 'The budget.', status: 'The observed disruptions allowed.' },
    PodDisruptionBudgetSpec: { '': 'The budget.', minAvailable: 'Pods that must stay available (number or percentage).', maxUnavailable: 'Pods that may be unavailable (number or percentage).', selector: 'The pods covered.' },
    Eviction: { '': 'A request to evict a pod, honouring disruption budgets. Posted to pods/eviction.', metadata: 'The pod to evict.', deleteOptions: 'Options for deleting the pod.' },
  },
};

export const reviewDescriptions: Record<string, DescriptionTable> = {
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1': {
    CustomResourceDefinition: { '': 'A CustomResourceDefinition adds a new kind to the API, served like the built-in ones.', metadata: 'Standard object metadata; the name must be <plural>.<group>.', spec: 'The group, names, scope and versions of the new kind.', status: 'Whether the names were accepted and which versions were ever stored.' },
    CustomResourceDefinitionSpec: { '': 'The kind a definition adds.', group: 'The API group, such as example.com.', names: 'The resource and kind names.', scope: 'Namespaced or Cluster.', versions: 'The versions served; exactly one is the storage version.', conversion: 'How objects are converted between versions.' },
    CustomResourceDefinitionNames: { '': 'The names of a custom kind.', plural: 'The resource name in URLs.', singular: 'The singular resource name.', kind: 'The kind name.', listKind: 'The kind of lists; <kind>List by default.', shortNames: 'Short aliases for kubectl.', categories: 'Groups of resources this one belongs to, such as all.' },
    CustomResourceDefinitionVersion: { '': 'One version of a custom kind.', name: 'The version name, such as v1.', served: 'Whether the version is served.', storage: 'Whether objects are stored in this version.', schema: 'The validation schema.', subresources: 'The status and scale subresources.', additionalPrinterColumns: 'Extra columns for kubectl get.' },
    JSONSchemaProps: { '': 'A JSON Schema (OpenAPI v3 subset) with Kubernetes extensions, describing one value.' },
  },
  'io.k8s.api.authentication.v1': {
    TokenReview: { '': 'A TokenReview asks the server to authenticate a bearer token; the answer comes back in status.', spec: 'The token to check.', status: 'Whether it is valid and whose it is.' },
    SelfSubjectReview: { '': 'A SelfSubjectReview returns who the server thinks the caller is (kubectl auth whoami).', status: 'The caller’s user information.' },
    UserInfo: { '': 'An authenticated identity.', username: 'The user name.', uid: 'A unique user identifier.', groups: 'The groups the user belongs to.', extra: 'Extra attributes from the authenticator.' },
  },
  'io.k8s.api.authentication.v1beta1': {
    SelfSubjectReview: { '': 'A SelfSubjectReview returns who the server thinks the caller is (beta form, for older clients).', status: 'The caller’s user information.' },
  },
  'io.k8s.api.authorization.v1': {
    SubjectAccessReview: { '': 'A SubjectAccessReview asks whether a user or group may perform an action.', spec: 'The action and the subject.', status: 'The decision.' },
    SelfSubjectAccessReview: { '': 'A SelfSubjectAccessReview asks whether the caller may perform an action (kubectl auth can-i).', spec: 'The action.', status: 'The decision.' },
    SelfSubjectRulesReview: { '': 'A SelfSubjectRulesReview lists the actions the caller may perform in a namespace.', spec: 'The namespace.', status: 'The rules.' },
    SubjectAccessReviewStatus: { '': 'An authorization decision.', allowed: 'Whether the action is allowed.', denied: 'Whether it is explicitly denied.', reason: 'Why.' },
  },
};
