import fc from 'fast-check';

// Requests built from openapi.json for the fuzz test: values that fit each schema, then the
// same with one thing broken (a field of the wrong type, an oversized or hostile string, a
// missing required field, broken JSON, a wrong content type, an odd Authorization header).

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  headers: string[];
  body?: JsonSchema;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Strings that have broken servers before: encodings, injections, sizes, control bytes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFFFF',
  '😀'.repeat(50),
  'x'.repeat(70_000),
  "' or 1=1 --",
  '"; drop table responses; --',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://evil")',
  '../../etc/passwd',
  '%00',
  '%ff',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '1e309',
  '-0',
  'NaN',
  '9'.repeat(40),
  '2026-13-45T99:99:99Z',
  'true',
  'null',
  '[]',
  '{}',
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

export function operations(doc: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      const body = (
        op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
      )?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query'),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        ...(body ? { body } : {}),
      });
    }
  }
  return ops;
}

function types(s: JsonSchema): string[] {
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A value that fits the schema (roughly: patterns and formats are approximated). */
export function valid(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (s.enum) {
    return fc.constantFrom(...s.enum);
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) {
    return fc.oneof(...alternatives.map((a) => valid(a, depth + 1)));
  }
  if (s.allOf?.length) {
    return valid(s.allOf[0]!, depth + 1);
  }
  const t = types(s).filter((x) => x !== 'null');
  switch (t[0]) {
    case 'object': {
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      if (depth > 4) {
        return fc.constant({});
      }
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) {
        record[k] = valid(v, depth + 1);
      }
      if (Object.keys(record).length === 0 && s.additionalProperties) {
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.string({ maxLength: 20 }),
          {
            maxKeys: 3,
          },
        );
      }
      return fc.record(record, {
        requiredKeys: Object.keys(record).filter((k) => required.has(k)),
      });
    }
    case 'array':
      return fc.array(s.items ? valid(s.items, depth + 1) : anyJson, {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return validString(s);
    case undefined:
    default:
      return anyJson;
  }
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  switch (s.format) {
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'uuid':
      return fc.uuid();
    case 'uri':
      return fc.webUrl();
    case undefined:
    default:
      break;
  }
  if (s.pattern) {
    // NOTE: a string matching the pattern is hard in general; a safe token often matches.
    return fc.constantFrom('a', 'order.completed', 'ticket:solved', '12:00', 'en', 'A1');
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 40);
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
}

/** The schema's value with one field broken: wrong type, hostile string, dropped or extra. */
export function broken(s: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.keys(s.properties ?? {});
  if (props.length === 0) {
    return anyJson;
  }
  return fc
    .tuple(
      valid(s),
      fc.constantFrom(...props),
      anyJson,
      fc.constantFrom('replace', 'drop', 'extra'),
    )
    .map(([value, key, junk, how]) => {
      const obj = { ...(value as Record<string, unknown>) };
      if (how === 'replace') {
        obj[key] = junk;
      } else if (how === 'drop') {
        delete obj[key];
      } else {
        obj[`x_${key}`] = junk;
      }
      return obj;
    });
}

/** Percent-encodes the UTF-8 bytes (a lone surrogate, which encodeURIComponent refuses, too). */
function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

export function pathValue(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...ids),
    fc.uuid(),
    hostileString.map((s) => pct(s.slice(0, 300))),
    fc.constantFrom('%ff', '%ED%A0%80', '%00', '..', '%2e%2e', 'a%2Fb', '123', '-1'),
  );
}

function queryValue(s: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    valid(s).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
    hostileString.map((v) => v.slice(0, 2000)),
  );
}

export function request(
  op: Operation,
  opts: { ids: string[]; auth: string },
): fc.Arbitrary<FuzzRequest> {
  const pathArb = fc.tuple(...op.pathParams.map(() => pathValue(opts.ids))).map((values) => {
    let p = op.path;
    op.pathParams.forEach((name, i) => {
      p = p.replace(`{${name}}`, values[i]!);
    });
    return p;
  });
  const queryArb = fc
    .subarray(op.query)
    .chain((chosen) =>
      fc.tuple(...chosen.map((q) => queryValue(q.schema).map((v) => [q.name, v] as const))),
    )
    .map((pairs) => {
      const q = new URLSearchParams();
      for (const [k, v] of pairs) {
        q.append(k, v);
      }
      const text = q.toString();
      return text ? `?${text}` : '';
    });
  const authArb = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${opts.auth}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'Basic ' + Buffer.from(`${opts.auth}:`).toString('base64'),
        'Basic %%%',
        `Bearer ${opts.auth}x`,
        'Bearer ' + 'x'.repeat(5000),
        'Digest foo',
      ),
    },
  );
  const bodyArb: fc.Arbitrary<{ body?: string; type?: string }> = op.body
    ? fc.oneof(
        {
          weight: 3,
          arbitrary: valid(op.body).map((v) => ({
            body: JSON.stringify(v),
            type: 'application/json',
          })),
        },
        {
          weight: 4,
          arbitrary: broken(op.body).map((v) => ({
            body: JSON.stringify(v),
            type: 'application/json',
          })),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            { body: '{"a":', type: 'application/json' },
            { body: '\u0000', type: 'application/json' },
            { body: 'a=1&b=%ff', type: 'application/x-www-form-urlencoded' },
            { body: '<x/>', type: 'application/xml' },
            { body: '{}', type: 'text/plain' },
            { body: '[1,2,3]', type: 'application/json' },
            { body: '"x"', type: 'application/json' },
            { body: JSON.stringify({ a: 'x'.repeat(2_000_000) }), type: 'application/json' },
          ),
        },
      )
    : fc.constant({});
  return fc.tuple(pathArb, queryArb, authArb, bodyArb).map(([path, query, auth, b]) => ({
    method: op.method,
    path: path + query,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(b.type ? { 'content-type': b.type } : {}),
    },
    ...(b.body !== undefined ? { body: b.body } : {}),
  }));
}
