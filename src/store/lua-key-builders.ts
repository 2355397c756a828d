import { key } from './keys.js';

type KeyBuilder = (...parts: string[]) => string;
/** keys.ts' builders, as the generator calls them. */
const BUILDERS: Readonly<Record<string, KeyBuilder>> = key;

/** Stands for a builder's parameter while its template is read; no key part holds it. */
const MARK = '\u0000';
/** What a literal part of a key may hold, so that it reads the same as a Lua string. */
const PLAIN = /^[\w:.-]*$/;

/**
 * The Lua twin of one `key` builder, read from the builder itself: called with marked parameters,
 * its result is the template, e.g. `request = function(p0, p1) return p0 .. ':cr:' .. p1 end`.
 */
function luaBuilder(name: string, build: KeyBuilder): string {
  const params = Array.from({ length: build.length }, (_, i) => `p${i}`);
  const parts = build(...params.map((p) => `${MARK}${p}${MARK}`)).split(MARK);
  const terms = parts.flatMap((part, i) => {
    if (i % 2 === 1) return [part];
    if (!PLAIN.test(part)) throw new Error(`key.${name} has a part (${JSON.stringify(part)}) a Lua key builder cannot spell; keep key parts to letters, digits and : . - _`);
    return part === '' ? [] : [`'${part}'`];
  });
  return `  ${name} = function(${params.join(', ')}) return ${terms.join(' .. ')} end`;
}

/**
 * The key builders a script uses (`K.<name>(base, …)` in its source or its helpers'), generated from
 * src/store/keys.ts: the key layout is written once, in TypeScript. A script builds a key in Lua only
 * when it depends on data the script reads (see the top of scripts.ts); every other key comes in KEYS.
 */
export function luaKeyBuilders(source: string): string {
  const names = [...new Set([...source.matchAll(/\bK\.(\w+)\(/g)].map((m) => m[1]!))].sort();
  if (names.length === 0) return '';
  const builders = names.map((name) => {
    if (!Object.hasOwn(BUILDERS, name)) throw new Error(`A Lua script calls K.${name}, which src/store/keys.ts does not define: add it to \`key\` there`);
    return luaBuilder(name, BUILDERS[name]!);
  });
  return `local K = {\n${builders.join(',\n')},\n}\n`;
}
