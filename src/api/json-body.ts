import type { FastifyInstance } from 'fastify';
import { problems } from './errors.js';

/**
 * Deepest nesting of objects and arrays a request body may have. Real bodies need about six
 * (a bulk item's metadata at its own limit); the bound keeps every later step that walks the body
 * recursively (zod, JSON.stringify for the Idempotency-Key fingerprint, logging) far from the stack limit.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * True when `text` nests `[` / `{` deeper than `limit`, outside strings. One pass, no recursion,
 * stops at the first level past the limit: a few kilobytes of `{"a":{"a":…` cost nothing.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Replaces Fastify's JSON parser by the same parser (prototype-poisoning checks included) behind the depth bound. */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_BODY_DEPTH)) {
      done(problems.invalidInput(`The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep; flatten it (metadata may nest at most a few levels).`), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
