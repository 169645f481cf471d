// A property-based fuzzer driven by the OpenAPI document: every operation the
// document holds gets at least RUNS requests built from its parameters and
// body schema — two in five conforming throughout, the rest with hostile
// parts: a conforming body with one part broken or of the wrong JSON type,
// huge, unicode and NUL strings, traversal and injection attempts in names,
// selectors and versions, malformed, mislabelled and oversized bodies, nested
// and repeated query parameters, missing and forged credentials.
//
// Nothing may answer 5xx; a body of the wrong JSON type is refused, never
// coerced; a refused request (4xx) neither writes to the database nor calls a
// cluster; a service registration accepts can be shown. The cluster client
// counts its calls, and the worker is held still, so that every write and
// call belongs to the request in flight.
//
// SLIPWAY_FUZZ_RUNS sets the requests per operation (default 1000);
// SLIPWAY_FUZZ_SEED replays the seed a failure printed.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { ChannelStatus } from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { catalogOfComponents } from './__testUtils__/catalogOfComponents';
import { seedDeployment } from './database/__testUtils__/seedRows';
import { newDeploymentId } from './database/deploymentIds';
import { writeUnreachableKubeconfig } from './__testUtils__/unreachableCluster';
import { DeploymentWorker } from './engine/DeploymentWorker';
import { ClusterClient } from './kubernetes/ClusterClient';
import { KubernetesClusterClient } from './kubernetes/KubernetesClusterClient';
import { RolloutWatcher } from './kubernetes/RolloutWatcher';
import { deployPlugin } from './plugin';
import { spec } from './schema/openapi';

const RUNS = Number(process.env.SLIPWAY_FUZZ_RUNS ?? 1000);
const BASE = '/api/deploy';
/** The one pod the fake watch reports, so log reads can succeed. */
const POD = 'checkout-7d9f6-abcde';

jest.setTimeout(10 * 60_000);

// ---------------------------------------------------------------------------
// The document, as the fuzzer reads it.

interface Schema {
  $ref?: string;
  type?: string;
  enum?: readonly unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: boolean | Schema;
  maxProperties?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  oneOf?: readonly Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  parameters?: readonly Parameter[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema: Schema }>;
  };
}

interface Document {
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
  };
}

const doc = spec as unknown as Document;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

interface FuzzedOperation {
  key: string;
  method: (typeof METHODS)[number];
  path: string;
  parameters: Parameter[];
  bodySchema?: Schema;
}

const operations: FuzzedOperation[] = Object.entries(doc.paths).flatMap(
  ([path, item]) =>
    METHODS.filter(method => item[method]).map(method => {
      const op = item[method] as Operation;
      return {
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        parameters: [
          ...((item.parameters as Parameter[] | undefined) ?? []),
          ...(op.parameters ?? []),
        ].map(resolveParameter),
        bodySchema: op.requestBody?.content['application/json']?.schema,
      };
    }),
);

/** A parameter, or the shared one it refers to (`#/components/parameters/…`). */
function resolveParameter(parameter: Parameter | { $ref: string }): Parameter {
  if (!('$ref' in parameter)) {
    return parameter;
  }
  return doc.components.parameters[
    parameter.$ref.replace('#/components/parameters/', '')
  ];
}

function resolve(schema: Schema): Schema {
  if (!schema.$ref) {
    return schema;
  }
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(doc.components.schemas[name]);
}

// ---------------------------------------------------------------------------
// Values.

/** Deployment ids the fuzzer has seen created; ids drawn from here reach real rows. */
const deploymentIds: string[] = [];
/** Services registered so far, so that deployments find them. */
const serviceNames: string[] = [];

/** One of the names collected so far (or a fallback before there are any). */
function oneOf(pool: string[], fallback: string): fc.Arbitrary<string> {
  return fc
    .nat()
    .map(i => (pool.length > 0 ? pool[i % pool.length] : fallback));
}

const dnsLabel = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
  // As long as a label may be: namespaces made from it may not fit.
  fc.stringMatching(/^[a-z][-a-z0-9]{48,61}[a-z0-9]$/),
);

/**
 * Values that exist in the running backend, by parameter or property name, so
 * that conforming requests get past "not found" and exercise the handlers.
 */
function knownValues(name: string): fc.Arbitrary<unknown> | undefined {
  const known: Record<string, unknown[]> = {
    channel: ['dev', 'prod'],
    base: ['dev', 'prod'],
    head: ['dev', 'prod'],
    version: ['1.0.0', '1.2.3', `sha256:${'a'.repeat(64)}`],
    pod: [POD],
    container: ['app'],
    owner: ['group:default/team-payments'],
    team: ['group:default/team-payments'],
    image: ['registry.example.com/checkout'],
  };
  if (name === 'id') {
    return oneOf(deploymentIds, '00000000-0000-4000-8000-000000000000');
  }
  if (name === 'service' || name === 'name') {
    return fc.oneof(oneOf(serviceNames, 'checkout'), dnsLabel);
  }
  if (name === 'entityRef') {
    // The test catalog holds every component: a new name registers a new service.
    return fc.oneof(
      oneOf(serviceNames, 'checkout').map(n => `component:default/${n}`),
      dnsLabel.map(n => `component:default/${n}`),
    );
  }
  return known[name] && fc.constantFrom(...known[name]);
}

/** Keys of a map-like object, by the name of the property that holds it. */
function keysFor(name: string | undefined): fc.Arbitrary<string> {
  if (name === 'channels') {
    return fc.constantFrom('dev', 'prod');
  }
  if (name === 'env') {
    return fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);
  }
  return fc.string({ maxLength: 12 });
}

/** A value the schema accepts (mostly: patterns and limits are approximated). */
function conforming(schema: Schema, name?: string): fc.Arbitrary<unknown> {
  const generated = fromSchema(resolve(schema), name);
  const known = name === undefined ? undefined : knownValues(name);
  return known
    ? fc.oneof(
        { arbitrary: known, weight: 3 },
        { arbitrary: generated, weight: 1 },
      )
    : generated;
}

function fromSchema(s: Schema, name?: string): fc.Arbitrary<unknown> {
  if (s.oneOf) {
    return fc.oneof(...s.oneOf.map(o => conforming(o, name)));
  }
  if (s.enum) {
    return fc.constantFrom(...s.enum);
  }
  switch (s.type) {
    case 'string': {
      const minLength = s.minLength ?? 0;
      const maxLength = s.maxLength ?? 64;
      if (s.format === 'uuid') {
        return fc.uuid();
      }
      if (s.format === 'date-time') {
        return fc
          .oneof(
            fc.date({
              min: new Date('2020-01-01T00:00:00Z'),
              max: new Date('2030-01-01T00:00:00Z'),
              noInvalidDate: true,
            }),
            fc.date({ noInvalidDate: true }),
          )
          .map(d => d.toISOString());
      }
      if (s.pattern) {
        return fc
          .stringMatching(new RegExp(s.pattern))
          .filter(v => v.length >= minLength && v.length <= maxLength);
      }
      return fc.string({ minLength, maxLength: Math.min(maxLength, 64) });
    }
    case 'integer':
      return fc.integer({
        min: s.minimum ?? -1_000_000,
        max: s.maximum ?? 1_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(conforming(s.items ?? {}), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
      });
    case 'object': {
      const properties = Object.entries(s.properties ?? {});
      const fixed = fc.record(
        Object.fromEntries(properties.map(([k, v]) => [k, conforming(v, k)])),
        { requiredKeys: [...(s.required ?? [])] },
      );
      if (typeof s.additionalProperties !== 'object') {
        return fixed;
      }
      const extra = fc.dictionary(
        keysFor(name),
        conforming(s.additionalProperties),
        { maxKeys: Math.min(s.maxProperties ?? 3, 3) },
      );
      return fc
        .tuple(fixed, extra)
        .map(([known, more]) => ({ ...more, ...known }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings that have broken someone's API before. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e/%2e%2e/etc/passwd',
  '%2e%2e%2f',
  '..%2F..%2F',
  '%00',
  '%zz',
  '/',
  '//',
  "'; DROP TABLE services; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  '{{ 7*7 }}',
  '${7*7}',
  '#{7*7}',
  '$(rm -rf /)',
  '`id`',
  '; rm -rf /',
  '| cat /etc/passwd',
  'a,b!=c',
  'x in (y)',
  'app=checkout,tier notin (web)',
  '!checkout',
  'checkout,app.kubernetes.io/name=x',
  '1.0.0;rm -rf /',
  '1.0.0 && curl evil.example',
  '1.0.0\nX-Injected: 1',
  'v1 ; rm -rf /',
  `sha256:${'g'.repeat(64)}`,
  'latest@sha256:abc',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: x=1',
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '1e400',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'CHECKOUT',
  '-checkout',
  'checkout-',
  'check_out',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(300),
  'ñandú',
  '🚀🔥',
  '\u202Egnp.exe',
  '\u200B',
  '\u0000',
  'a\u0000b',
  '\uFEFFcheckout',
  'çheckout',
  'ｃｈｅｃｋｏｕｔ',
  'x'.repeat(10_000),
  'x'.repeat(100_000),
  '🚀'.repeat(30_000),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
);

function nested(depth: number): unknown {
  let value: unknown = { a: 1 };
  for (let i = 0; i < depth; i++) {
    value = i % 2 ? [value] : { a: value };
  }
  return value;
}

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 5 },
  {
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 53 + 1,
      1e308,
      -1e308,
      [],
      {},
      [null],
      ['checkout', 'payments'],
      { $gt: '' },
      { toString: 'x' },
    ),
    weight: 3,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.constantFrom(nested(50), nested(2000)), weight: 1 },
);

// ---------------------------------------------------------------------------
// Breaking one part of a conforming value.

type Mutation = 'replace' | 'delete' | 'add' | 'wrap';

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function slotsOf(value: unknown, into: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push({ parent: value, key: i });
      slotsOf(item, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push({ parent: value as Record<string, unknown>, key });
      slotsOf(item, into);
    }
  }
  return into;
}

function mutate(
  value: unknown,
  kind: Mutation,
  at: number,
  hostile: unknown,
  extraKey: string,
): unknown {
  const copy = JSON.parse(JSON.stringify(value ?? null));
  const slots = slotsOf(copy);
  const slot = slots[at % (slots.length + 1)];
  if (!slot) {
    // The root itself.
    if (kind === 'add' && copy && typeof copy === 'object') {
      (copy as Record<string, unknown>)[extraKey] = hostile;
      return copy;
    }
    return kind === 'wrap' ? [copy] : hostile;
  }
  const { parent, key } = slot;
  const target = parent as Record<string | number, unknown>;
  switch (kind) {
    case 'replace':
      target[key] = hostile;
      break;
    case 'delete':
      if (Array.isArray(parent)) {
        parent.splice(key as number, 1);
      } else {
        delete target[key];
      }
      break;
    case 'add': {
      const inner = target[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        (inner as Record<string, unknown>)[extraKey] = hostile;
      } else {
        target[key] = { [extraKey]: hostile };
      }
      break;
    }
    case 'wrap':
      target[key] = [target[key]];
      break;
    default:
  }
  return copy;
}

/** The JSON type of a value, as a schema's `type` names it. */
function jsonTypeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

interface TypedSlot extends Slot {
  path: string;
  type: string;
}

/** The places in a value where the schema allows exactly one JSON type. */
function typedSlotsOf(
  value: unknown,
  schema: Schema,
  path = 'body',
  into: TypedSlot[] = [],
): TypedSlot[] {
  const s = resolve(schema);
  const children: Array<[string | number, unknown, Schema | undefined]> =
    Array.isArray(value)
      ? value.map((item, i) => [i, item, s.items])
      : Object.entries(
          value !== null && typeof value === 'object' ? value : {},
        ).map(([key, item]) => [
          key,
          item,
          s.properties?.[key] ??
            (typeof s.additionalProperties === 'object'
              ? s.additionalProperties
              : undefined),
        ]);
  for (const [key, item, childSchema] of children) {
    const child = childSchema && resolve(childSchema);
    if (!child || child.oneOf) {
      continue;
    }
    const childPath = `${path}.${key}`;
    if (child.type) {
      into.push({
        parent: value as Record<string, unknown>,
        key,
        path: childPath,
        type: child.type,
      });
    }
    typedSlotsOf(item, child, childPath, into);
  }
  return into;
}

const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  1.5,
  '',
  '1',
  'true',
  [],
  [1],
  {},
];

/**
 * A conforming value with one typed place given a value of another JSON type:
 * `null` for a count, `"3"` for a number, `0` for a string. Must be refused,
 * never coerced.
 */
function retyped(
  value: unknown,
  schema: Schema,
  at: number,
  pick: number,
): { value: unknown; wrongType: string } {
  const copy = JSON.parse(JSON.stringify(value));
  const slots = typedSlotsOf(copy, schema);
  const slot = slots[at % (slots.length + 1)];
  const type = slot?.type ?? resolve(schema).type ?? 'object';
  const candidates = WRONG_TYPES.filter(candidate => {
    const actual = jsonTypeOf(candidate);
    return actual !== type && !(type === 'number' && actual === 'integer');
  });
  const wrong = candidates[pick % candidates.length];
  const description = `${
    slot?.path ?? 'body'
  } (${type}) set to ${JSON.stringify(wrong)}`;
  if (!slot) {
    return { value: wrong, wrongType: description };
  }
  (slot.parent as Record<string | number, unknown>)[slot.key] = wrong;
  return { value: copy, wrongType: description };
}

const mutation = fc.record({
  kind: fc.constantFrom<Mutation>(
    'replace',
    'replace',
    'delete',
    'add',
    'wrap',
  ),
  at: fc.nat(),
  hostile: hostileJson,
  extraKey: fc.oneof(
    fc.constantFrom('replicas', 'ownerRef', 'status', '__proto__', 'x'),
    fc.string({ maxLength: 8 }),
  ),
});

// ---------------------------------------------------------------------------
// Requests.

type Who = 'alice' | 'bob' | 'service' | 'forged' | 'nobody';

interface Body {
  contentType?: string;
  contentEncoding?: string;
  text: string;
  /** Where the body holds a value of the wrong JSON type; it must be refused. */
  wrongType?: string;
}

interface FuzzRequest {
  who: Who;
  pathParams: Record<string, { value: string; raw: boolean }>;
  query: string;
  body?: Body;
  hostile: boolean;
}

const who = fc.oneof(
  { arbitrary: fc.constant<Who>('alice'), weight: 14 },
  { arbitrary: fc.constant<Who>('bob'), weight: 4 },
  { arbitrary: fc.constant<Who>('service'), weight: 1 },
  { arbitrary: fc.constant<Who>('forged'), weight: 1 },
  { arbitrary: fc.constant<Who>('nobody'), weight: 1 },
);

const authorizationOf: Record<Who, string | undefined> = {
  alice: mockCredentials.user.header('user:default/alice'),
  bob: mockCredentials.user.header('user:default/bob'),
  // A service principal without access restrictions: Slipway refuses it.
  service: mockCredentials.service.header(),
  forged: mockCredentials.user.invalidHeader(),
  nobody: undefined,
};

const asString = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value) ?? '';

/** A parameter's value: conforming, or (in a hostile request) often not. */
function parameterValue(
  parameter: Parameter,
  hostile: boolean,
): fc.Arbitrary<string> {
  const good = conforming(parameter.schema, parameter.name).map(asString);
  if (!hostile) {
    return good;
  }
  return fc.oneof(
    { arbitrary: good, weight: 2 },
    { arbitrary: hostileString, weight: 2 },
    { arbitrary: hostileJson.map(asString), weight: 1 },
  );
}

/** Percent-encodes UTF-8 bytes; a lone surrogate becomes U+FFFD, as a browser sends it. */
function encode(value: string, keep: RegExp = /[A-Za-z0-9\-_.~]/): string {
  return [...Buffer.from(value, 'utf8')]
    .map(byte => {
      const char = String.fromCharCode(byte);
      return byte < 0x80 && keep.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** As a client that does not encode would send it: only what HTTP cannot carry is escaped. */
const encodeRaw = (value: string) => encode(value, /[\x21-\x7e]/);

type QueryStyle = 'plain' | 'repeated' | 'bracket' | 'bare' | 'raw';

function queryOf(
  parameters: Parameter[],
  hostile: boolean,
): fc.Arbitrary<string> {
  const fields = parameters
    .filter(p => p.in === 'query')
    .map(p =>
      fc.record({
        name: fc.constant(p.name),
        include: fc.nat(9).map(n => (p.required ? !hostile || n > 0 : n > 4)),
        value: parameterValue(p, hostile),
        second: parameterValue(p, hostile),
        style: hostile
          ? fc.constantFrom<QueryStyle>(
              'plain',
              'plain',
              'plain',
              'repeated',
              'bracket',
              'bare',
              'raw',
            )
          : fc.constant<QueryStyle>('plain'),
      }),
    );
  const extra = hostile
    ? fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 6 },
        {
          arbitrary: fc.record({
            name: fc.oneof(
              fc.constantFrom(
                '__proto__[x]',
                'constructor',
                'limit',
                'owner[]',
              ),
              fc.string({ minLength: 1, maxLength: 10 }),
            ),
            value: hostileString,
          }),
          weight: 1,
        },
      )
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...fields), extra).map(([values, more]) => {
    const parts = values
      .filter(v => v.include)
      .map(({ name, value, second, style }) => {
        switch (style) {
          case 'repeated':
            return `${name}=${encode(value)}&${name}=${encode(second)}`;
          case 'bracket':
            return `${name}[${encode(second.slice(0, 8))}]=${encode(value)}`;
          case 'bare':
            return name;
          case 'raw':
            return `${name}=${encodeRaw(value)}`;
          default:
            return `${name}=${encode(value)}`;
        }
      });
    if (more) {
      parts.push(`${encodeRaw(more.name)}=${encode(more.value)}`);
    }
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  });
}

const BODY_LIMIT_BYTES = 64 * 1024;

/** Bodies no schema describes: malformed, mislabelled, oversized. */
const oddBody: fc.Arbitrary<Body> = fc.constantFrom<Body>(
  { text: '' },
  { text: '{' },
  { text: '{"service": "checkout",}' },
  { text: 'null' },
  { text: '"checkout"' },
  { text: '123' },
  { text: '[]' },
  { text: '{"__proto__": {"polluted": true}, "service": "checkout"}' },
  { text: '{"constructor": {"prototype": {"polluted": true}}}' },
  { text: '{"service": "checkout", "service": "../etc"}' },
  { text: `{"a": "${'x'.repeat(BODY_LIMIT_BYTES + 1)}"}` },
  { text: `[${'0,'.repeat(BODY_LIMIT_BYTES)}0]` },
  { text: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
  { contentType: 'text/plain', text: '{"service":"checkout"}' },
  {
    contentType: 'application/x-www-form-urlencoded',
    text: 'service=checkout&channel=dev&version=1.0.0',
  },
  { contentType: 'application/json; charset=utf-16', text: '{}' },
  { contentType: 'application/json', contentEncoding: 'gzip', text: '{}' },
  { contentType: 'application/json', contentEncoding: 'br', text: '{}' },
  { contentType: 'multipart/form-data; boundary=x', text: '--x--' },
);

function bodyOf(
  schema: Schema | undefined,
  hostile: boolean,
): fc.Arbitrary<Body | undefined> {
  const json = (value: unknown): Body => ({ text: JSON.stringify(value) });
  if (!schema) {
    return hostile
      ? fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 4 },
          { arbitrary: hostileJson.map(json), weight: 1 },
          { arbitrary: oddBody, weight: 1 },
        )
      : fc.constant(undefined);
  }
  const good = conforming(schema);
  if (!hostile) {
    return good.map(json);
  }
  return fc.oneof(
    {
      arbitrary: fc
        .tuple(good, mutation)
        .map(([value, m]) =>
          json(mutate(value, m.kind, m.at, m.hostile, m.extraKey)),
        ),
      weight: 6,
    },
    {
      arbitrary: fc.tuple(good, fc.nat(), fc.nat()).map(([value, at, pick]) => {
        const wrong = retyped(value, schema, at, pick);
        return { ...json(wrong.value), wrongType: wrong.wrongType };
      }),
      weight: 2,
    },
    { arbitrary: hostileJson.map(json), weight: 1 },
    { arbitrary: oddBody, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** One request of either kind: conforming throughout, or with hostile parts. */
function requestOf(
  op: FuzzedOperation,
  hostile: boolean,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter(p => p.in === 'path');
  return fc.record({
    who: hostile ? who : fc.constantFrom<Who>('alice', 'alice', 'bob'),
    pathParams: fc.record(
      Object.fromEntries(
        pathParams.map(p => [
          p.name,
          fc.record({
            value: parameterValue(p, hostile),
            raw: hostile ? fc.nat(9).map(n => n === 0) : fc.constant(false),
          }),
        ]),
      ),
    ),
    query: queryOf(op.parameters, hostile),
    body: bodyOf(op.bodySchema, hostile),
    hostile: fc.constant(hostile),
  });
}

/** Two in five requests conform to the document; the rest carry something hostile. */
function requestsFor(op: FuzzedOperation): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { arbitrary: requestOf(op, false), weight: 2 },
    { arbitrary: requestOf(op, true), weight: 3 },
  );
}

function urlOf(op: FuzzedOperation, req: FuzzRequest): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const { value, raw } = req.pathParams[name];
    return raw ? encodeRaw(value) : encode(value);
  });
  return `${BASE}${path}${req.query}`;
}

interface Answer {
  status: number;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Sends a request as it is, byte for byte: no client-side normalisation of
 * dot segments or re-encoding, as supertest's URL handling would do.
 */
function send(
  port: number,
  method: string,
  path: string,
  req: FuzzRequest,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization = authorizationOf[req.who];
  if (authorization) {
    headers.authorization = authorization;
  }
  const payload = req.body && Buffer.from(req.body.text, 'utf8');
  if (req.body && payload) {
    headers['content-type'] = req.body.contentType ?? 'application/json';
    headers['content-length'] = String(payload.length);
    if (req.body.contentEncoding) {
      headers['content-encoding'] = req.body.contentEncoding;
    }
  }
  return new Promise((resolvePromise, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers, agent },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

// ---------------------------------------------------------------------------
// The backend, with a cluster that counts its calls.

/** Every call any cluster client received, in order. */
const clusterCalls: string[] = [];
/** Reads of the shared watch (a cache, not a call per request): counted, not forbidden. */
let watchReads = 0;

function countingCluster(): ClusterClient {
  const answers: ClusterClient = {
    applyObjects: async objects => objects,
    getObject: async () => undefined,
    deleteObject: async () => {},
    getDeployment: async () => undefined,
    setDeploymentImage: async (namespace, name) => ({
      metadata: { namespace, name },
    }),
    listPods: async () => [],
    readPodLog: async () => 'listening on :8080\n',
    createJob: async job => job,
    getJob: async () => undefined,
    listEvents: async () => [],
    listReplicaSets: async () => [],
  };
  return new Proxy(answers, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => {
        clusterCalls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
}

const fakeWatcher = {
  async getChannelStatus(
    _cluster: string,
    _namespace: string,
    _service: string,
    channel: string,
  ): Promise<ChannelStatus> {
    watchReads += 1;
    return {
      channel,
      health: 'Healthy',
      replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
      conditions: [],
      message: 'Deployment is available',
      pods: [{ name: POD, phase: 'Running', ready: true, containers: [] }],
    };
  },
  watch() {},
  subscribe: () => () => {},
  async stop() {},
};

interface Fingerprint {
  changes: number;
  rows: Record<string, number>;
}

const TABLES = [
  'services',
  'deployments',
  'deployment_events',
  'deployment_evidence',
  'deployment_sets',
  'manifest_sources',
  'releases',
];

/**
 * SQLite's count of rows inserted, updated or deleted on the connection (the
 * in-memory database has exactly one), with each table's row count to say
 * where a write went.
 */
async function fingerprint(knex: Knex): Promise<Fingerprint> {
  const [{ changes }] = await knex.raw('select total_changes() as changes');
  const rows: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await knex(table).count({ n: '*' });
    rows[table] = Number(n);
  }
  return { changes: Number(changes), rows };
}

// ---------------------------------------------------------------------------
// Figures.

const sent = new Map<string, number>();
const hostileSent = new Map<string, number>();
const statuses = new Map<string, Map<number, number>>();

function record(op: string, status: number, hostile: boolean) {
  sent.set(op, (sent.get(op) ?? 0) + 1);
  if (hostile) {
    hostileSent.set(op, (hostileSent.get(op) ?? 0) + 1);
  }
  const perOp = statuses.get(op) ?? new Map<number, number>();
  perOp.set(status, (perOp.get(status) ?? 0) + 1);
  statuses.set(op, perOp);
}

const histogramOf = (counts: Map<number, number>, separator: string) =>
  [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}${separator}${n}`)
    .join(' ');

function report(): string {
  const total = new Map<number, number>();
  const lines = operations.map(op => {
    const perOp = statuses.get(op.key) ?? new Map<number, number>();
    perOp.forEach((n, status) =>
      total.set(status, (total.get(status) ?? 0) + n),
    );
    const count = String(sent.get(op.key) ?? 0).padStart(5);
    const hostile = String(hostileSent.get(op.key) ?? 0).padStart(5);
    return `  ${op.key.padEnd(60)} ${count} ${hostile}  ${histogramOf(
      perOp,
      ':',
    )}`;
  });
  const all = [...sent.values()].reduce((a, b) => a + b, 0);
  return [
    `OpenAPI fuzz: ${operations.length} operations, ${all} requests`,
    `  ${'operation'.padEnd(60)}  sent  hostile  statuses`,
    ...lines,
    `  all statuses: ${histogramOf(total, ': ')}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------

describe('the REST API under a fuzzer driven by its OpenAPI document', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let port: number;

  beforeAll(async () => {
    jest
      .spyOn(KubernetesClusterClient, 'create')
      .mockImplementation(
        () => countingCluster() as unknown as KubernetesClusterClient,
      );
    jest
      .spyOn(RolloutWatcher, 'create')
      .mockImplementation(() => fakeWatcher as unknown as RolloutWatcher);
    // Accepted deployments stay where the request left them: a worker
    // running them would write and call the cluster between requests.
    jest.spyOn(DeploymentWorker.prototype, 'start').mockImplementation();

    knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        catalogOfComponents('group:default/team-payments').factory,
        deployPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            deploy: {
              api: { validateResponses: true },
              clusters: [
                { name: 'local', kubeconfigPath: writeUnreachableKubeconfig() },
              ],
              channels: [
                {
                  name: 'dev',
                  cluster: 'local',
                  approval: { required: true },
                },
                {
                  name: 'prod',
                  cluster: 'local',
                  namespace: '{service}-{channel}',
                },
              ],
            },
          },
        }),
      ],
    });
    port = (server.address() as AddressInfo).port;

    const seed = async (path: string, body: unknown) => {
      const answer = await send(port, 'POST', `${BASE}${path}`, {
        who: 'alice',
        pathParams: {},
        query: '',
        body: { text: JSON.stringify(body) },
        hostile: false,
      });
      expect({ path, answer }).toEqual({
        path,
        answer: expect.objectContaining({ status: 201 }),
      });
      return JSON.parse(answer.text);
    };
    for (const name of ['checkout', 'payments']) {
      serviceNames.push(name);
      await seed('/services', {
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.example.com/${name}`,
          port: 8080,
          channels: { dev: { replicas: 1 }, prod: { replicas: 2 } },
        },
      });
    }
    // One deployment awaiting approval (one may be active per channel), for
    // approvals and cancels to find; the fuzzer collects those it creates.
    const { id } = await seed('/deployments', {
      service: 'checkout',
      channel: 'dev',
      version: '1.0.0',
    });
    deploymentIds.push(id);
    // Two versions that succeeded in prod, so that a rollback has somewhere
    // to go (the worker that would run them is held still).
    for (const name of ['checkout', 'payments']) {
      for (const [version, day] of [
        ['0.9.0', 1],
        ['0.9.1', 2],
      ] as const) {
        const createdAt = new Date(Date.UTC(2026, 0, day));
        await seedDeployment(knex, {
          id: newDeploymentId(createdAt),
          service_name: name,
          owner_ref: 'group:default/team-payments',
          channel: 'prod',
          status: 'succeeded',
          version,
          created_at: createdAt,
          started_at: createdAt,
          finished_at: createdAt,
        });
      }
    }
  });

  afterAll(() => {
    agent.destroy();
    process.stdout.write(`${report()}\n`);
  });

  /**
   * Sends one request and checks what it did: never a 5xx; a body of the
   * wrong JSON type refused; a refusal with no write and no cluster call; a
   * service that registration accepted can be shown.
   */
  async function check(op: FuzzedOperation, req: FuzzRequest) {
    const url = urlOf(op, req);
    const before = await fingerprint(knex);
    const callsBefore = clusterCalls.length;
    const answer = await send(port, op.method.toUpperCase(), url, req);
    record(op.key, answer.status, req.hostile);
    const after = await fingerprint(knex);
    const called = clusterCalls.slice(callsBefore);

    // Every expectation carries the request, so a failure shows what was sent.
    const what = `${op.method.toUpperCase()} ${url.slice(0, 300)} as ${
      req.who
    } with ${req.body?.text.slice(0, 300)} → ${
      answer.status
    } ${answer.text.slice(0, 500)}`;
    expect({ what, serverError: answer.status >= 500 }).toEqual({
      what,
      serverError: false,
    });
    if (req.body?.wrongType) {
      const refused = answer.status >= 400 && answer.status < 500;
      expect({ what, wrongType: req.body.wrongType, refused }).toEqual({
        what,
        wrongType: req.body.wrongType,
        refused: true,
      });
    }
    if (answer.status >= 400) {
      expect({
        what,
        rows: after.rows,
        changes: after.changes,
        called,
      }).toEqual({
        what,
        rows: before.rows,
        changes: before.changes,
        called: [],
      });
      return;
    }
    collect(answer.text);
    if (op.key === 'POST /services') {
      const { name } = JSON.parse(answer.text);
      const shown = await send(port, 'GET', `${BASE}/services/${name}/status`, {
        who: 'alice',
        pathParams: {},
        query: '',
        hostile: false,
      });
      expect({
        what,
        shown: shown.status,
        text: shown.text.slice(0, 300),
      }).toEqual({ what, shown: 200, text: expect.anything() });
    }
  }

  it('refuses the requests it once let through', async () => {
    const register = (name: string, channels: unknown, migration?: unknown) =>
      send(port, 'POST', `${BASE}/services`, {
        who: 'alice',
        pathParams: {},
        query: '',
        hostile: false,
        body: {
          text: JSON.stringify({
            name,
            entityRef: `component:default/${name}`,
            spec: {
              image: 'registry.example.com/x',
              port: 8080,
              channels,
              ...(migration !== undefined && { migration }),
            },
          }),
        },
      });
    const cases: Array<[Promise<Answer>, RegExp]> = [
      // Coerced, these stored 0 replicas and an empty command.
      [register('nulls', { dev: { replicas: null } }), /replicas.*integer/],
      [register('nulls', {}, { command: [null] }), /command\/0.*string/],
      [register('strings', { dev: { replicas: '3' } }), /replicas.*integer/],
      // Registered, but "{service}-prod" is longer than a namespace may be.
      [
        register(`long${'x'.repeat(57)}`, {}),
        /name: "longx+" cannot be deployed to channel prod: .*at most 63 characters/,
      ],
    ];
    const before = await fingerprint(knex);
    for (const [answer, message] of cases) {
      const { status, text } = await answer;
      expect({ status, message: JSON.parse(text).error.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
    expect(await fingerprint(knex)).toEqual(before);
  });

  it.each(operations.map(op => [op.key, op] as const))(
    '%s: no 5xx, and a refused request writes nothing and calls no cluster',
    async (_key, op) => {
      await fc.assert(
        fc.asyncProperty(requestsFor(op), req => check(op, req)),
        {
          numRuns: RUNS,
          ...(process.env.SLIPWAY_FUZZ_SEED && {
            seed: Number(process.env.SLIPWAY_FUZZ_SEED),
          }),
        },
      );
      expect(sent.get(op.key)).toBeGreaterThanOrEqual(RUNS);
    },
  );
});

/** Keeps a pool to a size, dropping the oldest but the first (seeded) ones. */
function addTo(pool: string[], value: string) {
  if (!pool.includes(value)) {
    pool.push(value);
    if (pool.length > 50) {
      pool.splice(4, 1);
    }
  }
}

/**
 * Names of the services and ids of the deployments the fuzzer created, so
 * that later requests find them.
 */
function collect(text: string) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof body?.id === 'string' && typeof body?.status === 'string') {
    addTo(deploymentIds, body.id);
  }
  if (typeof body?.name === 'string' && typeof body?.entityRef === 'string') {
    addTo(serviceNames, body.name);
  }
}
