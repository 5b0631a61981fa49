#!/usr/bin/env node
// Writes the wire tables in ../tables/ from two facts per Kubernetes API package:
// the field numbers and protobuf types (generated.proto) and the JSON names,
// omitempty and pointer-ness of the Go fields (types.go struct tags). Both are needed:
// protobuf says how a field is encoded, Go says whether JSON shows it when zero.
//
//   node gen-tables.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir> [tag] [base tag]
//
// Also lists the fields that are newer than the base tag (kubectl 1.33's), which a client
// of that version drops: tests that compare with that kubectl leave them out.
//
// Reads files with `git show <tag>:<path>` (a release tag, default v0.36.3, the same in
// both repositories), so bare mirrors work.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [apiDir, machineryDir, REV = 'v0.36.3', BASE = 'v0.33.13'] = process.argv.slice(2);
if (!apiDir || !machineryDir) {
  console.error('usage: gen-tables.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir>');
  process.exit(2);
}
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'tables');

// key: our package key; dir: path in its repository; proto: the proto package.
const packages = [
  { key: 'meta/v1', repo: machineryDir, dir: 'pkg/apis/meta/v1', proto: 'k8s.io.apimachinery.pkg.apis.meta.v1' },
  ...['core', 'apps', 'batch', 'autoscaling', 'autoscaling/v2', 'coordination', 'discovery', 'events', 'rbac',
    'scheduling', 'storage', 'networking', 'authentication', 'authentication/v1beta1', 'authorization', 'policy',
    'certificates', 'node', 'admissionregistration', 'flowcontrol'].map((g) => {
    const [group, version] = g.includes('/') ? g.split('/') : [g, 'v1'];
    return { key: `${group}/${version}`, repo: apiDir, dir: `${group}/${version}`, proto: `k8s.io.api.${group}.${version}` };
  }),
];

// Messages with their own JSON form, converted by hand in special.ts.
const builtins = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microtime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'fieldsv1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intorstr',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawext',
};
const scalars = new Set(['string', 'bytes', 'int32', 'int64', 'bool', 'double', 'float', 'uint32', 'uint64']);

function git(repo, path, rev) {
  return execFileSync('git', ['--git-dir', repo, 'show', `${rev}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
}
function gitFiles(repo, dir, rev) {
  const out = execFileSync('git', ['--git-dir', repo, 'ls-tree', '--name-only', `${rev}:${dir}`], { encoding: 'utf8' });
  return out.split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && f !== 'generated.pb.go');
}

function parseProto(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const messages = new Map();
  for (const m of src.matchAll(/^message (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = [];
    for (const f of m[2].matchAll(/^\s*(?:(optional|repeated) ([\w.]+)|map<(\w+), ([\w.]+)>) (\w+) = (\d+);/gm)) {
      fields.push({ label: f[1] ?? 'map', type: f[2] ?? f[4], key: f[3], name: f[5], num: Number(f[6]) });
    }
    messages.set(m[1], fields);
  }
  return messages;
}

// Go structs: fields in declaration order with their tags; and `type X []T` names.
function parseGo(texts) {
  const structs = new Map();
  const sliceTypes = new Set();
  for (const text of texts) {
    for (const m of text.matchAll(/^type (\w+) \[\]/gm)) sliceTypes.add(m[1]);
    for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = [];
      for (const line of m[2].split('\n')) {
        const l = line.trim();
        if (l === '' || l.startsWith('//')) continue;
        const f = /^(?:(\w+)\s+)?([\w.*[\]]+)\s*(?:`(.*)`)?/.exec(l);
        if (!f) continue;
        const tags = f[3] ?? '';
        const json = /json:"([^"]*)"/.exec(tags)?.[1];
        const pb = /protobuf:"([^"]*)"/.exec(tags)?.[1];
        fields.push({ goName: f[1], goType: f[2], json, pb });
      }
      structs.set(m[1], fields);
    }
  }
  return { structs, sliceTypes };
}

function typeRef(t, pkg) {
  const full = t.startsWith('.') ? t.slice(1) : `${pkg.proto}.${t}`;
  if (builtins[full]) return builtins[full];
  if (scalars.has(t)) return t;
  const i = full.lastIndexOf('.');
  const owner = packages.find((p) => p.proto === full.slice(0, i));
  if (!owner) throw new Error(`${pkg.key}: type ${t} is in a package without tables`);
  return owner === pkg ? full.slice(i + 1) : `${owner.key}.${full.slice(i + 1)}`;
}

function fieldToken(pf, gf, pkg) {
  let type = pf.label === 'map' ? `{${typeRef(pf.type, pkg)}}` : typeRef(pf.type, pkg);
  if (pf.label === 'repeated') type = `[]${type}`;
  if (pf.label === 'map' && pf.key !== 'string') throw new Error(`${pkg.key}: map key ${pf.key}`);
  const parts = (gf.json ?? '').split(',');
  const embedded = gf.goName === undefined;
  let jsonName = parts[0];
  let flag = '';
  if (jsonName === '-') flag = '-';
  else if (embedded && (jsonName === '' || parts.includes('inline'))) flag = '^';
  else if (gf.goType.startsWith('*')) flag = parts.includes('omitempty') ? '?' : '*';
  else if (!parts.includes('omitempty')) flag = '!';
  if (jsonName === '' || jsonName === '-') jsonName = pf.name;
  return `${jsonName}=${pf.num}:${type}${flag}`;
}

function wrapLines(tokens, indent) {
  const lines = [];
  let cur = '';
  for (const t of tokens) {
    if (cur && cur.length + t.length + 1 > 104) { lines.push(cur); cur = t; } else cur = cur ? `${cur} ${t}` : t;
  }
  if (cur) lines.push(cur);
  return lines.join(`\n${indent}`);
}

const warnings = [];
/** pkg key -> message name -> table text ('=[]T' or field tokens). */
function buildTables(rev) {
  const out = new Map();
  for (const pkg of packages) {
    const proto = parseProto(git(pkg.repo, `${pkg.dir}/generated.proto`, rev));
    const go = parseGo(gitFiles(pkg.repo, pkg.dir, rev).map((f) => git(pkg.repo, `${pkg.dir}/${f}`, rev)));
    const messages = new Map();
    for (const [name, pfields] of [...proto].sort(([a], [b]) => a.localeCompare(b))) {
      if (builtins[`${pkg.proto}.${name}`] || name === 'Timestamp') continue;
      if (go.sliceTypes.has(name)) {
        // A named Go slice, wrapped in a message only because protobuf maps cannot hold lists.
        const items = pfields.find((f) => f.name === 'items');
        messages.set(name, `=[]${typeRef(items.type, pkg)}`);
        continue;
      }
      const gfields = go.structs.get(name);
      if (!gfields) { warnings.push(`${rev} ${pkg.key}.${name}: no Go struct`); continue; }
      const byNum = new Map(pfields.map((f) => [f.num, f]));
      const tokens = [];
      for (const gf of gfields) {
        if (!gf.pb || gf.pb === '-') continue;
        const num = Number(gf.pb.split(',')[1]);
        const pf = byNum.get(num);
        if (!pf) { warnings.push(`${rev} ${pkg.key}.${name}: Go field ${gf.goName} #${num} not in proto`); continue; }
        byNum.delete(num);
        tokens.push(fieldToken(pf, gf, pkg));
      }
      for (const pf of byNum.values()) warnings.push(`${rev} ${pkg.key}.${name}: proto field ${pf.name} has no Go field`);
      messages.set(name, tokens);
    }
    out.set(pkg.key, messages);
  }
  return out;
}

const current = buildTables(REV);
for (const pkg of packages) {
  const entries = [...current.get(pkg.key)].map(([name, t]) =>
    typeof t === 'string' ? `  ${name}: '${t}',` : `  ${name}: \`${wrapLines(t, '    ')}\`,`);
  const ident = pkg.key.replace(/\/(\w)/, (_, c) => c.toUpperCase());
  const file = `${pkg.key.replace('/', '-')}.ts`;
  const body = `// Wire table of ${pkg.key} (proto package ${pkg.proto}) at ${REV}, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const ${ident}: PackageSource = {
  key: '${pkg.key}',
  messages: {
${entries.map((e) => `  ${e}`).join('\n')}
  },
};
`;
  writeFileSync(join(outDir, file), body);
  console.log(`${file}: ${entries.length} messages`);
}

const base = buildTables(BASE);
const newer = [];
for (const [key, messages] of current) {
  for (const [name, t] of messages) {
    const old = base.get(key)?.get(name);
    if (typeof t === 'string' || old === undefined) continue;
    const oldNames = new Set((typeof old === 'string' ? [] : old).map((tok) => tok.split('=')[0]));
    for (const tok of t) if (!oldNames.has(tok.split('=')[0])) newer.push(`${key}.${name}.${tok.split('=')[0]}`);
  }
}
const label = BASE.replace(/^v0\.(\d+)\..*$/, '1.$1');
writeFileSync(join(outDir, 'newer-fields.ts'), `// Fields of the tables (${REV}) that ${BASE} (Kubernetes ${label}) does not have yet, as
// package/version.Message.jsonName; written by ../tools/gen-tables.mjs. A ${label} client
// never sends them and drops them from what it receives.
export const newerThanBase = '${label}';

export const fieldsNewerThanBase: readonly string[] = [
${newer.map((n) => `  '${n}',`).join('\n')}
];
`);
console.log(`newer-fields.ts: ${newer.length} fields newer than ${BASE}`);
for (const w of warnings) console.warn(`warning: ${w}`);
