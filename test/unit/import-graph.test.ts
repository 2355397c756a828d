import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way: domain ← store ← services ← api / workers / cli (DESIGN §9). The
 * layers named here are the ones the rule is about; other folders (queues, webhooks, runtime,
 * crypto, …) are infrastructure the layers above domain may use, but they must not close a cycle.
 */
const root = resolve(import.meta.dirname, '../..');

/** Folders each layer must not import from. */
const FORBIDDEN: Record<string, string[]> = {
  'src/domain': ['src/store', 'src/services', 'src/api', 'workers', 'src/cli'],
  'src/store': ['src/services', 'src/api', 'workers', 'src/cli'],
  'src/services': ['src/api', 'workers', 'src/cli'],
};

/**
 * Known exceptions, each with why it stays for now. Keep this short: an entry is a debt, not a
 * second rule.
 */
const ALLOWED: { from: string; to: string; why: string }[] = [];

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative import specifiers of a module: static imports, re-exports and dynamic imports. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gms),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts'));
}

const files = [...tsFiles('src'), ...tsFiles('workers')];
const graph = new Map(files.map((file) => [file, importsOf(file).filter((to) => to.endsWith('.ts'))]));

const isAllowed = (from: string, to: string) => ALLOWED.some((a) => a.from === from && a.to === to);
const inside = (file: string, folder: string) => file.startsWith(`${folder}/`);

/** Strongly connected components with more than one module (Tarjan), as sorted module lists. */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next) || isAllowed(node, next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import graph', () => {
  it('finds the modules and their imports', () => {
    // Guards the parser: if it stopped seeing imports, the rules below would pass vacuously.
    expect(graph.get('src/api/routes/accounts.ts')).toContain('src/api/route-kit.ts');
    expect(graph.get('workers/validate-processor.ts')?.length).toBeGreaterThan(0);
  });

  it('has no import against the layer direction', () => {
    const violations = [...graph].flatMap(([from, targets]) =>
      Object.entries(FORBIDDEN)
        .filter(([layer]) => inside(from, layer))
        .flatMap(([, banned]) => targets.filter((to) => banned.some((b) => inside(to, b)) && !isAllowed(from, to)).map((to) => `${from} → ${to}`)),
    );
    expect(violations).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles()).toEqual([]);
  });

  it('lists only exceptions that still exist', () => {
    const stale = ALLOWED.filter((a) => !graph.get(a.from)?.includes(a.to));
    expect(stale).toEqual([]);
  });
});
