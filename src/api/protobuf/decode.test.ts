// Hand-built protobuf bodies, field numbers taken from Kubernetes' generated.proto files,
// written with the bare wire writer so these tests do not lean on the tables they check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, ProtobufDecodeError, ProtobufEncodeError } from './index.js';
import { WireWriter } from './wire.js';

type Build = (w: WireWriter) => WireWriter;
const m = (build: Build): Uint8Array => build(new WireWriter()).finish();
const entry = (k: string, v: string | Uint8Array): Uint8Array => m((w) => (typeof v === 'string' ? w.string(1, k).string(2, v) : w.string(1, k).bytes(2, v)));
const quantity = (s: string): Uint8Array => m((w) => w.string(1, s));
const intOrStr = (v: number | string): Uint8Array => m((w) => (typeof v === 'number' ? w.varint(1, 0).varint(2, v).string(3, '') : w.varint(1, 1).varint(2, 0).string(3, v)));

function frame(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Buffer {
  const unknown = m((w) => w.bytes(1, m((t) => t.string(1, apiVersion).string(2, kind))).bytes(2, raw).string(3, contentEncoding).string(4, ''));
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

function decodeError(body: Uint8Array): ProtobufDecodeError {
  try {
    decodeKubernetesProtobuf(body);
  } catch (e) {
    assert.ok(e instanceof ProtobufDecodeError, `not a ProtobufDecodeError: ${String(e)}`);
    return e;
  }
  assert.fail('decoded without error');
}

test('ConfigMap: data, labels, an explicit immutable=false survives (a pointer)', () => {
  const meta = m((w) => w.string(1, 'cm').string(2, '').string(3, 'ns').varint(7, 0).bytes(11, entry('b', '2')).bytes(11, entry('a', '1')));
  const body = frame('v1', 'ConfigMap', m((w) => w.bytes(1, meta).bytes(2, entry('k', 'v')).varint(4, false)));
  const got = decodeKubernetesProtobuf(body);
  assert.equal(got.kind, 'ConfigMap');
  assert.equal(got.apiVersion, 'v1');
  assert.equal(JSON.stringify(got.object), JSON.stringify({
    kind: 'ConfigMap', apiVersion: 'v1',
    metadata: { name: 'cm', namespace: 'ns', creationTimestamp: null, labels: { a: '1', b: '2' } },
    immutable: false, data: { k: 'v' },
  }));
});

test('Secret: map<string, bytes> values become base64, as in JSON', () => {
  const body = frame('v1', 'Secret', m((w) => w.bytes(1, m((x) => x.string(1, 's'))).bytes(2, entry('bin', Uint8Array.from([0, 255, 1]))).bytes(2, entry('empty', new Uint8Array(0))).string(3, 'Opaque')));
  assert.deepEqual(decodeKubernetesProtobuf(body).object, {
    kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, data: { bin: 'AP8B', empty: '' }, type: 'Opaque',
  });
});

test('Namespace: Time as RFC 3339 seconds, pointer Time only when sent, spec and status always', () => {
  const meta = m((w) => w.string(1, 'team').bytes(8, m((t) => t.varint(1, 1704164645).varint(2, 999))).string(5, 'uid-1'));
  const body = frame('v1', 'Namespace', m((w) => w.bytes(1, meta).bytes(2, m((s) => s.string(1, 'kubernetes')))));
  assert.equal(JSON.stringify(decodeKubernetesProtobuf(body).object), JSON.stringify({
    kind: 'Namespace', apiVersion: 'v1',
    metadata: { name: 'team', uid: 'uid-1', creationTimestamp: '2024-01-02T03:04:05Z' },
    spec: { finalizers: ['kubernetes'] }, status: {},
  }));
});

test('Deployment with a pod template: containers, ports, env, Quantity resources, probes with IntOrString ports', () => {
  const container = m((c) => c
    .string(1, 'web').string(2, 'nginx:1.27')
    .bytes(6, m((p) => p.string(1, 'http').varint(2, 0).varint(3, 8080).string(4, 'TCP').string(5, '')))
    .bytes(7, m((e) => e.string(1, 'MODE').string(2, 'prod')))
    .bytes(7, m((e) => e.string(1, 'POD').string(2, '').bytes(3, m((s) => s.bytes(1, m((f) => f.string(1, 'v1').string(2, 'metadata.name')))))))
    .bytes(8, m((r) => r.bytes(1, m((e) => e.string(1, 'cpu').bytes(2, quantity('500m')))).bytes(2, m((e) => e.string(1, 'memory').bytes(2, quantity('64Mi'))))))
    .bytes(10, m((p) => p.bytes(1, m((h) => h.bytes(2, m((g) => g.string(1, '/healthz').bytes(2, intOrStr('http')).string(3, '').string(4, 'HTTP'))))).varint(2, 5).varint(4, 0)))
    .bytes(11, m((p) => p.bytes(1, m((h) => h.bytes(3, m((t) => t.bytes(1, intOrStr(8080)).string(2, ''))))))));
  const podSpec = m((s) => s.bytes(2, container).string(3, 'Always').varint(4, 0));
  const template = m((t) => t.bytes(1, m((x) => x.bytes(11, entry('app', 'web')))).bytes(2, podSpec));
  const strategy = m((s) => s.string(1, 'RollingUpdate').bytes(2, m((r) => r.bytes(1, intOrStr('25%')).bytes(2, intOrStr(1)))));
  const spec = m((s) => s.varint(1, 2).bytes(2, m((l) => l.bytes(1, entry('app', 'web')))).bytes(3, template).bytes(4, strategy).varint(5, 0).varint(7, false));
  const body = frame('apps/v1', 'Deployment', m((w) => w.bytes(1, m((x) => x.string(1, 'web'))).bytes(2, spec).bytes(3, new Uint8Array(0))));
  const want = {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: { name: 'web', creationTimestamp: null },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'web', image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5 },
            readinessProbe: { tcpSocket: { port: 8080 } },
          }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 0,
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    },
    status: {},
  };
  const got = decodeKubernetesProtobuf(body).object;
  assert.equal(JSON.stringify(got), JSON.stringify(want));
});

test('Job: completions, parallelism and backoffLimit of 0 are kept (pointers), suspend=false too', () => {
  const spec = m((s) => s.varint(1, 0).varint(2, 0).varint(7, 0).varint(10, false).bytes(6, m((t) => t.bytes(2, m((p) => p.string(3, 'Never'))))));
  const got = decodeKubernetesProtobuf(frame('batch/v1', 'Job', m((w) => w.bytes(1, m((x) => x.string(1, 'j'))).bytes(2, spec)))).object;
  assert.deepEqual(got.spec, {
    parallelism: 0, completions: 0, backoffLimit: 0,
    template: { metadata: { creationTimestamp: null }, spec: { containers: null, restartPolicy: 'Never' } },
    suspend: false,
  });
  assert.deepEqual(got.status, {});
});

test('SelfSubjectReview status: user info with groups and extra (map of wrapped lists)', () => {
  const extra = entry('scopes', m((v) => v.string(1, 'a').string(1, 'b')));
  const user = m((u) => u.string(1, 'alice').string(2, 'u-1').string(3, 'devs').string(3, 'ops').bytes(4, extra));
  const got = decodeKubernetesProtobuf(frame('authentication.k8s.io/v1', 'SelfSubjectReview', m((w) => w.bytes(1, new Uint8Array(0)).bytes(2, m((s) => s.bytes(1, user))))));
  assert.deepEqual(got.object, {
    kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null },
    status: { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'ops'], extra: { scopes: ['a', 'b'] } } },
  });
});

test('Eviction carries DeleteOptions: gracePeriodSeconds=0 and preconditions kept', () => {
  const opts = m((d) => d.varint(1, 0).bytes(2, m((p) => p.string(1, 'uid-9'))).string(4, 'Foreground'));
  const got = decodeKubernetesProtobuf(frame('policy/v1', 'Eviction', m((w) => w.bytes(1, m((x) => x.string(1, 'p').string(3, 'default'))).bytes(2, opts))));
  assert.deepEqual(got.object.deleteOptions, { gracePeriodSeconds: 0, preconditions: { uid: 'uid-9' }, propagationPolicy: 'Foreground' });
});

test('DeleteOptions on its own, in any group version', () => {
  for (const av of ['v1', 'meta.k8s.io/v1', 'apps/v1', 'certificates.k8s.io/v1', 'example.com/v1beta1']) {
    const got = decodeKubernetesProtobuf(frame(av, 'DeleteOptions', m((d) => d.varint(3, true).string(5, 'All'))));
    assert.deepEqual(got.object, { kind: 'DeleteOptions', apiVersion: av, orphanDependents: true, dryRun: ['All'] });
  }
});

test('Lease: MicroTime keeps microseconds, with six digits', () => {
  const spec = m((s) => s.string(1, 'node-a').varint(2, 40).bytes(3, m((t) => t.varint(1, 1704164645).varint(2, 123456789))).bytes(4, m((t) => t.varint(1, 1704164645).varint(2, 0))));
  const got = decodeKubernetesProtobuf(frame('coordination.k8s.io/v1', 'Lease', m((w) => w.bytes(2, spec)))).object;
  assert.deepEqual(got.spec, { holderIdentity: 'node-a', leaseDurationSeconds: 40, acquireTime: '2024-01-02T03:04:05.123456Z', renewTime: '2024-01-02T03:04:05.000000Z' });
});

test('ControllerRevision data: JSON raw bytes, or a nested protobuf object', () => {
  const json = m((r) => r.bytes(1, Buffer.from('{"spec":{"x":1}}')));
  assert.deepEqual(decodeKubernetesProtobuf(frame('apps/v1', 'ControllerRevision', m((w) => w.bytes(2, json).varint(3, 4)))).object.data, { spec: { x: 1 } });
  const nested = frame('v1', 'ConfigMap', m((c) => c.bytes(2, entry('a', 'b'))));
  const got = decodeKubernetesProtobuf(frame('apps/v1', 'ControllerRevision', m((w) => w.bytes(2, m((r) => r.bytes(1, nested))).varint(3, 1)))).object;
  assert.deepEqual(got.data, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { creationTimestamp: null }, data: { a: 'b' } });
  assert.equal(got.revision, 1);
});

test('objects nested in RawExtensions too deep are refused, not a stack overflow', () => {
  let inner: Uint8Array = frame('v1', 'ConfigMap', new Uint8Array(0));
  for (let i = 0; i < 20; i++) inner = frame('apps/v1', 'ControllerRevision', m((w) => w.bytes(2, m((r) => r.bytes(1, inner)))));
  const e = decodeError(inner);
  assert.equal(e.code, 'malformed');
  assert.match(e.message, /nested more than 8/);
});

test('unknown field numbers are skipped, as Go does for newer senders', () => {
  const got = decodeKubernetesProtobuf(frame('v1', 'ConfigMap', m((w) => w.bytes(2, entry('k', 'v')).string(99, 'future').varint(100, 7))));
  assert.deepEqual(got.object.data, { k: 'v' });
  assert.equal(Object.keys(got.object).length, 4);
});

test('negative int32 and large int64 values', () => {
  const got = decodeKubernetesProtobuf(frame('scheduling.k8s.io/v1', 'PriorityClass', m((w) => w.varint(2, -5))));
  assert.equal(got.object.value, -5);
  const ev = decodeKubernetesProtobuf(frame('v1', 'Event', m((w) => w.varint(8, 2147483647)))).object;
  assert.equal(ev.count, 2147483647);
});

test('errors: bad magic, unknown kind, nested types, wrong wire type, truncation, content encoding', () => {
  assert.equal(decodeError(Buffer.from('{"kind":"ConfigMap"}')).code, 'bad-magic');
  const unknownKind = decodeError(frame('v1', 'Widget', new Uint8Array(0)));
  assert.equal(unknownKind.code, 'unknown-kind');
  assert.match(unknownKind.message, /Widget/);
  assert.equal(decodeError(frame('v1', 'PodSpec', new Uint8Array(0))).code, 'unknown-kind');
  assert.equal(decodeError(frame('example.com/v1', 'Thing', new Uint8Array(0))).code, 'unknown-kind');
  const wrong = decodeError(frame('v1', 'ConfigMap', m((w) => w.varint(1, 3))));
  assert.equal(wrong.code, 'wire-type');
  assert.match(wrong.message, /core\/v1\.ConfigMap\.metadata/);
  const deep = decodeError(frame('apps/v1', 'Deployment', m((w) => w.bytes(2, m((s) => s.string(1, 'two'))))));
  assert.match(deep.message, /apps\/v1\.Deployment\.spec\.replicas/);
  const cut = frame('v1', 'ConfigMap', m((w) => w.bytes(2, entry('k', 'v'))));
  // The last four bytes are the empty contentEncoding and contentType: cut into raw.
  assert.equal(decodeError(cut.subarray(0, cut.length - 6)).code, 'truncated');
  assert.equal(decodeError(frame('v1', 'ConfigMap', new Uint8Array(0), 'gzip')).code, 'unsupported');
  assert.equal(decodeError(frame('', '', new Uint8Array(0))).code, 'unknown-kind');
});

test('encode then decode gives the object back for a full Pod', () => {
  const pod = {
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name: 'p', namespace: 'd', creationTimestamp: '2024-05-06T07:08:09Z', deletionTimestamp: '2024-05-06T07:09:09Z', deletionGracePeriodSeconds: 30, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] },
    spec: {
      volumes: [{ name: 'cfg', configMap: { name: 'c', defaultMode: 420 } }, { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
      containers: [{ name: 'c', image: 'i', resources: {}, volumeMounts: [{ name: 'cfg', mountPath: '/etc/c' }], securityContext: { runAsUser: 0, privileged: false } }],
      nodeSelector: { zone: 'a' }, hostNetwork: true,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'x', operator: 'In', values: ['1'] }] }] } } },
    },
    status: { phase: 'Running', podIP: '10.42.0.5', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-06T07:08:10Z' }], containerStatuses: [{ name: 'c', state: { running: { startedAt: '2024-05-06T07:08:10Z' } }, lastState: {}, ready: true, restartCount: 0, image: 'i', imageID: '' }] },
  };
  const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf(pod)).object;
  assert.deepEqual(back, pod);
});

test('encoding refuses unknown kinds and values of the wrong type with ProtobufEncodeError', () => {
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Widget' }), ProtobufEncodeError);
  assert.throws(() => encodeKubernetesProtobuf({ kind: 'ConfigMap' }), ProtobufEncodeError);
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', data: ['x'] }), /core\/v1\.ConfigMap\.data: expected an object/);
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'three' } }), /spec\.replicas: expected a number/);
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: 'soon' } }), /creationTimestamp/);
});
