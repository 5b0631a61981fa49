// The swagger 2.0 document in the protobuf form kubectl asks for first
// (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf): the messages of
// gnostic's OpenAPIv2.proto, whose field numbers are used below. kubectl 1.27 and 1.28
// read only this form for explain, validation and apply's patch metadata; without it
// they fail instead of falling back to JSON. Vendor extensions travel as YAML text,
// and JSON is valid YAML, so they are written as JSON.

import { ProtoWriter } from './proto-writer.js';

/** What clients put in Accept. Go's mime parser rejects the '@', so it cannot be a Content-Type. */
export const openapiV2ProtoAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The Content-Type to answer with, as kube-openapi does: the same name with '.' for '@'. */
export const openapiV2ProtoMediaType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** Whether an Accept header asks for the protobuf form (either spelling). */
export function wantsOpenAPIV2Proto(accept: string | undefined): boolean {
  return accept !== undefined && /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept);
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** NamedAny entries for every x- key. */
function vendorExtensions(w: ProtoWriter, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-')) continue;
    w.message(field, (n) => n.string(1, k).message(2, (a) => a.string(2, JSON.stringify(v))));
  }
}

function schema(w: ProtoWriter, s: Json): void {
  w.string(1, str(s.$ref));
  w.string(2, str(s.format));
  w.string(3, str(s.title));
  w.string(4, str(s.description));
  if (s.default !== undefined) w.message(5, (a) => a.string(2, JSON.stringify(s.default)));
  w.double(7, typeof s.maximum === 'number' ? s.maximum : undefined);
  w.double(9, typeof s.minimum === 'number' ? s.minimum : undefined);
  w.bool(16, s.uniqueItems === true);
  w.strings(19, strs(s.required));
  if (Array.isArray(s.enum)) for (const e of s.enum) w.message(20, (a) => a.string(2, JSON.stringify(e)));
  const ap = s.additionalProperties;
  if (isObj(ap)) w.message(21, (i) => i.message(1, (x) => schema(x, ap)));
  else if (typeof ap === 'boolean') w.message(21, (i) => i.oneofBool(2, ap));
  if (typeof s.type === 'string') w.message(22, (t) => t.string(1, s.type as string));
  const items = s.items;
  if (isObj(items)) w.message(23, (i) => i.message(1, (x) => schema(x, items)));
  if (Array.isArray(s.allOf)) for (const a of s.allOf) if (isObj(a)) w.message(24, (x) => schema(x, a));
  const props = s.properties;
  if (isObj(props)) {
    w.message(25, (p) => {
      for (const [name, ps] of Object.entries(props)) if (isObj(ps)) p.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, ps)));
    });
  }
  vendorExtensions(w, 31, s);
}

function parameter(w: ProtoWriter, p: Json): void {
  // ParametersItem.parameter (1) -> Parameter
  w.message(1, (param) => {
    if (p.in === 'body') {
      param.message(1, (b) => {
        b.string(1, str(p.description)).string(2, str(p.name)).string(3, 'body').bool(4, p.required === true);
        if (isObj(p.schema)) b.message(5, (x) => schema(x, p.schema as Json));
      });
      return;
    }
    param.message(2, (nb) => {
      // Query (3) and path (4) sub-schemas differ only in where type and uniqueItems sit.
      const isPath = p.in === 'path';
      nb.message(isPath ? 4 : 3, (q) => {
        q.bool(1, p.required === true).string(2, str(p.in)).string(3, str(p.description)).string(4, str(p.name));
        q.string(isPath ? 5 : 6, str(p.type));
        q.bool(isPath ? 19 : 20, p.uniqueItems === true);
      });
    });
  });
}

function operation(w: ProtoWriter, op: Json): void {
  w.strings(1, strs(op.tags));
  w.string(3, str(op.description));
  w.string(5, str(op.operationId));
  w.strings(6, strs(op.produces));
  w.strings(7, strs(op.consumes));
  if (Array.isArray(op.parameters)) for (const p of op.parameters) if (isObj(p)) w.message(8, (x) => parameter(x, p));
  const responses = op.responses;
  if (isObj(responses)) {
    w.message(9, (rs) => {
      for (const [code, r] of Object.entries(responses)) {
        if (!isObj(r)) continue;
        rs.message(1, (n) => n.string(1, code).message(2, (rv) => rv.message(1, (resp) => {
          resp.string(1, str(r.description));
          if (isObj(r.schema)) resp.message(2, (si) => si.message(1, (x) => schema(x, r.schema as Json)));
        })));
      }
    });
  }
  w.strings(10, strs(op.schemes));
  vendorExtensions(w, 13, op);
}

const methodFields: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: ProtoWriter, item: Json): void {
  for (const [m, field] of Object.entries(methodFields)) {
    const op = item[m];
    if (isObj(op)) w.message(field, (x) => operation(x, op));
  }
  if (Array.isArray(item.parameters)) for (const p of item.parameters) if (isObj(p)) w.message(9, (x) => parameter(x, p));
}

/** Encodes a swagger 2.0 JSON document (as openapiV2 builds it) as an openapi.v2.Document. */
export function encodeOpenAPIV2Proto(doc: Json): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, str(doc.swagger));
  const info = doc.info;
  if (isObj(info)) w.message(2, (i) => i.string(1, str(info.title)).string(2, str(info.version)));
  const paths = doc.paths;
  if (isObj(paths)) {
    w.message(8, (p) => {
      for (const [path, item] of Object.entries(paths)) if (isObj(item)) p.message(2, (n) => n.string(1, path).message(2, (x) => pathItem(x, item)));
    });
  }
  const defs = doc.definitions;
  if (isObj(defs)) {
    w.message(9, (d) => {
      for (const [name, s] of Object.entries(defs)) if (isObj(s)) d.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, s)));
    });
  }
  if (Array.isArray(doc.security)) {
    for (const req of doc.security) {
      if (!isObj(req)) continue;
      w.message(12, (r) => {
        for (const [name, scopes] of Object.entries(req)) r.message(1, (n) => n.string(1, name).message(2, (a) => a.strings(1, strs(scopes))));
      });
    }
  }
  const sec = doc.securityDefinitions;
  if (isObj(sec)) {
    w.message(13, (sd) => {
      for (const [name, d] of Object.entries(sec)) {
        if (!isObj(d) || d.type !== 'apiKey') continue;
        sd.message(1, (n) => n.string(1, name).message(2, (item) => item.message(2, (k) => {
          k.string(1, 'apiKey').string(2, str(d.name)).string(3, str(d.in)).string(4, str(d.description));
        })));
      }
    });
  }
  return w.finish();
}
