import fc from 'fast-check';

/**
 * Request inputs generated from a route's JSON Schema (zod's own, as the OpenAPI document uses):
 * values the schema accepts mixed with hostile ones in every field. Bodies are built as JSON text,
 * not objects, so they can carry what a JS object cannot hold or serialize: `__proto__` keys,
 * nesting thousands of levels deep, numbers beyond a double, duplicate keys.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
}

/** `{"a":{"a":…}}` or `[[…]]` nested `depth` levels. */
export const nestedText = (depth: number, array = false) => (array ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Strings that have broken parsers, validators, key builders and terminals. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\uD800',
    '\uDFFF\uD800',
    '\u202E',
    '\u200B\u200D',
    'e\u0301\u0301\u0301',
    '👩‍👩‍👧‍👦',
    '\uFFFF',
    '../../etc/passwd',
    '%00',
    '%',
    '%E0%A4%A',
    '{global}',
    '*',
    '\r\nX-Injected: 1',
    'a'.repeat(5000),
    'é'.repeat(3000),
    '__proto__',
    'constructor',
    'null',
    '1e309',
  ),
);

/** Number literals as JSON text, including ones JSON.parse turns into Infinity or rounds. */
const oddNumberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('-1', '-0', '0', '1e309', '-1e309', '9007199254740993', '123456789012345678901234567890', '1e-400', '0.1e1', '-9223372036854775809'),
);

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', '', 'a'.repeat(300));

/** Any JSON text, a few levels deep, with hostile keys and strings. */
export const anyJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddString.map((s) => JSON.stringify(s)),
    oddNumberText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(fc.oneof(oddString, hostileKey), tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** Values no schema of ours accepts anywhere they are not expected: depth bombs, huge numbers, prototype keys. */
/** Nesting from just past our limits to far past any recursive walk's stack (10,000 levels is ~50 KB). */
const depthBomb = fc.constantFrom(11, 33, 100, 10_000).chain((depth) => fc.boolean().map((array) => nestedText(depth, array)));

export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  depthBomb,
  oddNumberText,
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}', '[]', '{}', 'null'),
  anyJsonText,
);

function typesOf(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  if (schema.enum) return [...new Set(schema.enum.map((v) => (v === null ? 'null' : typeof v)))];
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** JSON text of a value the schema accepts (as far as JSON Schema can say; refinements may still refuse it). */
export function validJsonText(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map(validJsonText));
  if (schema.enum) return fc.constantFrom(...schema.enum.map((v) => JSON.stringify(v)));
  const [type] = typesOf(schema);
  switch (type) {
    case 'string':
      if (schema.format === 'uri') return fc.webUrl().map((s) => JSON.stringify(s));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).map((s) => JSON.stringify(s));
      return fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) }).map((s) => JSON.stringify(s));
    case 'integer':
    case 'number':
      return fc.integer({ min: 0, max: 100 }).map(String);
    case 'boolean':
      return fc.boolean().map(String);
    case 'array':
      return fc
        .array(schema.items ? validJsonText(schema.items) : anyJsonText, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) })
        .map((items) => `[${items.join(',')}]`);
    case 'object':
      return objectText(schema, validJsonText);
    default:
      return anyJsonText;
  }
}

/** JSON text of the wrong type for `schema`: a definite refusal, since nothing is coerced. */
export function wrongTypeJsonText(schema: JsonSchema): fc.Arbitrary<string> {
  const allowed = new Set(typesOf(schema));
  const all: [string, fc.Arbitrary<string>][] = [
    ['string', oddString.map((s) => JSON.stringify(s))],
    ['number', oddNumberText],
    ['boolean', fc.constantFrom('true', 'false')],
    ['null', fc.constant('null')],
    ['array', fc.array(anyJsonText, { maxLength: 3 }).map((items) => `[${items.join(',')}]`)],
    ['object', fc.constantFrom('{"x":1}', '{"__proto__":{"polluted":true}}', nestedText(10_000))],
  ];
  const wrong = all.filter(([type]) => !allowed.has(type) && !(type === 'number' && allowed.has('integer')));
  return fc.oneof(...wrong.map(([, arb]) => arb));
}

/**
 * One field's value: mostly what the schema accepts (so the request gets past it), otherwise
 * hostile; a field that holds objects or arrays gets depth bombs often, since its contents are walked.
 */
const fieldText = (schema: JsonSchema) => {
  const nests = typesOf(schema).some((type) => type === 'object' || type === 'array');
  return fc.oneof({ weight: 3, arbitrary: validJsonText(schema) }, { weight: 2, arbitrary: hostileJsonText }, { weight: nests ? 2 : 0, arbitrary: depthBomb });
};

function objectText(schema: JsonSchema, value: (schema: JsonSchema) => fc.Arbitrary<string>, extra: fc.Arbitrary<[string, string][]> = fc.constant([])): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, property]) =>
    required.has(name) ? value(property).map((text) => [name, text] as [string, string]) : fc.option(value(property).map((text) => [name, text] as [string, string]), { nil: undefined }),
  );
  return fc.tuple(fc.tuple(...fields), extra).map(([entries, more]) => {
    const present = [...entries.filter((e): e is [string, string] => e !== undefined), ...more];
    return `{${present.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  });
}

/**
 * A body for a route whose body schema is `schema`. With `refused`, the body breaks the schema at
 * its top level for certain (a field of the wrong type, a key the strict schema does not know, or
 * not an object at all), so a write route must refuse it and store nothing.
 */
export function bodyText(schema: JsonSchema | undefined, { refused }: { refused: boolean }): fc.Arbitrary<string> {
  if (!schema) return fc.oneof(anyJsonText, fc.constant(''));
  const free = objectText(schema, fieldText, fc.array(fc.tuple(fc.oneof(hostileKey, oddString), hostileJsonText), { maxLength: 2 }));
  const properties = Object.entries(schema.properties ?? {});
  const breaks: fc.Arbitrary<string>[] = [
    // not an object
    fc.oneof(oddNumberText, oddString.map((s) => JSON.stringify(s)), fc.constantFrom('[]', 'null', nestedText(10_000, true))),
  ];
  if (schema.additionalProperties === false) {
    breaks.push(objectText(schema, fieldText, fc.tuple(fc.constantFrom('__proto__', 'constructor', 'unknownField', 'credential', 'Items'), hostileJsonText).map((entry) => [entry])));
  }
  for (const [name, property] of properties) {
    if (typesOf(property).length === 0) continue; // accepts anything: no wrong type to send
    const others = { ...schema, properties: Object.fromEntries(properties.filter(([n]) => n !== name)), required: (schema.required ?? []).filter((n) => n !== name) };
    breaks.push(objectText(others, fieldText, wrongTypeJsonText(property).map((text) => [[name, text]])));
  }
  return refused ? fc.oneof(...breaks) : fc.oneof({ weight: 3, arbitrary: free }, { weight: 1, arbitrary: fc.oneof(...breaks) });
}

/** A query string for a route whose query schema is `schema`: known parameters with good or hostile values, and unknown ones. */
export function queryText(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const properties = Object.entries(schema?.properties ?? {});
  const value = (property: JsonSchema) =>
    fc.oneof(
      { weight: 3, arbitrary: validJsonText(property).map((text) => String(JSON.parse(text))) },
      { weight: 2, arbitrary: fc.oneof(oddString, fc.constantFrom('-1', '0', '1e3', '0x10', '99999', '123456789012345678901234567890', '')) },
    );
  const known = properties.map(([name, property]) => fc.option(value(property).map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`), { nil: undefined }));
  const raw = fc.constantFrom('status=linked&status=failed', 'limit=1&limit=2', '__proto__[x]=1', 'constructor[prototype][x]=1', 'a[b]=c', '%', 'cursor=%ZZ', '&&&', '=', 'unknown=1');
  return fc.tuple(fc.tuple(...known), fc.option(raw, { nil: undefined })).map(([parts, extra]) => [...parts, extra].filter((p) => p !== undefined).join('&'));
}
