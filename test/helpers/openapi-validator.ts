import { request } from 'undici';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under ESM interop it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

export interface SeenResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text. */
  text: string;
}

const DOC_ID = 'openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Checks responses against an OpenAPI document: the status must be declared for the operation,
 * the content type must be one it lists, the body must match its schema (objects are closed, so
 * an undeclared field fails) and every declared header must be present when required and match
 * its schema when sent. A path outside the document must be one of its `x-pages` (browser pages)
 * or answer a 404 (or, for a URL that does not decode, 400) problem.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literal: number }[];
  private readonly pages: string[];

  constructor(private readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: doc.components }, DOC_ID);
    this.templates = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]*')}$`), // the router lets a parameter be empty
      literal: template.split('/').filter((s) => s && !s.startsWith('{')).length,
    }));
    this.pages = doc['x-pages'] ?? [];
  }

  private schema(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));
      validate = this.ajv.compile(rooted);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private check(key: string, schema: Json, value: unknown, what: string): string[] {
    const validate = this.schema(key, schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private isPage(pathname: string): boolean {
    return this.pages.some((page) => (page.endsWith('/*') ? pathname.startsWith(page.slice(0, -1)) : pathname === page));
  }

  /** The operation a call reached: among templates that match the path, the most literal one that has the method. */
  private find(method: string, pathname: string): { template: string; operation: Json } | undefined {
    const matches = this.templates
      .filter((t) => t.pattern.test(pathname) && this.doc.paths[t.template][method])
      .sort((a, b) => b.literal - a.literal);
    const best = matches[0];
    return best ? { template: best.template, operation: this.doc.paths[best.template][method] } : undefined;
  }

  /** Every way `response` breaks the document; empty when it conforms. */
  validate(method: string, path: string, response: SeenResponse): string[] {
    // Node's HTTP parser refuses a request line and headers past 16 KiB itself, before the API sees it.
    if (response.status === 431) return [];
    const verb = method.toLowerCase();
    const pathname = new URL(path, 'http://x').pathname;
    const where = `${method} ${path} → ${response.status}`;
    const found = METHODS.includes(verb) ? this.find(verb, pathname) : undefined;
    if (!found) {
      if (this.isPage(pathname)) return [];
      // Unknown routes are 404s; a URL that does not even decode is a 400; a credential from an
      // address past the sign-in throttle is a 429 anywhere. All are problems.
      if (![400, 404, 429].includes(response.status)) return [`${where}: no operation in /openapi.json for ${method} ${pathname}, yet it answered ${response.status}`];
      return this.body(where, 'notFound', { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }, response);
    }
    const declared = found.operation.responses[String(response.status)] ?? found.operation.responses[`${String(response.status)[0]}XX`];
    if (!declared) {
      return [`${where}: status ${response.status} is not declared for ${method.toUpperCase()} ${found.template} (declared: ${Object.keys(found.operation.responses).join(', ')})`];
    }
    const key = `${verb} ${found.template} ${response.status}`;
    const errors: string[] = [];
    for (const [name, header] of Object.entries<Json>(declared.headers ?? {})) {
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) errors.push(`${where}: required header ${name} is missing`);
        continue;
      }
      errors.push(...this.check(`${key} header ${name}`, header.schema ?? {}, Array.isArray(value) ? value.join(', ') : value, `${where}: header ${name}`));
    }
    return [...errors, ...this.body(where, key, declared.content, response)];
  }

  private body(where: string, key: string, content: Json | undefined, response: SeenResponse): string[] {
    const type = String(response.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!content) return response.text === '' ? [] : [`${where}: a body was sent where none is declared`];
    const media = content[type];
    if (!media) return [`${where}: content type "${type}" is not declared (declared: ${Object.keys(content).join(', ')})`];
    if (!type.endsWith('json')) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return [`${where}: the body is not JSON: ${response.text.slice(0, 200)}`];
    }
    return this.check(`${key} ${type}`, media.schema ?? {}, body, `${where}: body`);
  }
}

const validators = new Map<string, Promise<OpenApiValidator>>();

/** The validator for the service at `baseUrl`, from the /openapi.json it serves (fetched once). */
export function validatorFor(baseUrl: string): Promise<OpenApiValidator> {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = (async () => {
      const res = await request(`${baseUrl}/openapi.json`);
      if (res.statusCode !== 200) throw new Error(`GET ${baseUrl}/openapi.json answered ${res.statusCode}`);
      return new OpenApiValidator((await res.body.json()) as Json);
    })();
    validator.catch(() => validators.delete(baseUrl));
    validators.set(baseUrl, validator);
  }
  return validator;
}

/** Throws, naming every mismatch, when `response` breaks the document the service at `baseUrl` serves. */
export async function assertDocumented(baseUrl: string, method: string, path: string, response: SeenResponse): Promise<void> {
  const errors = (await validatorFor(baseUrl)).validate(method, path, response);
  if (errors.length > 0) throw new Error(`response does not match /openapi.json:\n  ${errors.join('\n  ')}\nbody: ${response.text.slice(0, 500)}`);
}

/**
 * A fetch for `createLinkerClient` in tests: every answer is checked against the service's
 * /openapi.json like the harness' api() calls.
 */
export function checkedFetch(baseUrl: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await fetch(request);
    const text = await response.clone().text();
    const url = new URL(request.url);
    await assertDocumented(baseUrl, request.method, `${url.pathname}${url.search}`, { status: response.status, headers: Object.fromEntries(response.headers), text });
    return response;
  };
}
