import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(join(root, file), 'utf8');
/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

describe('README and docs', () => {
  it('README is for users: short, with no link out of the clone', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(250);
    expect(readme).not.toContain('../');
  });

  it.each(files)('%s links only to files and headings that exist', (file) => {
    for (const [, link] of read(file).matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"/g)) {
      if (!link || /^(https?:|mailto:|#)/.test(link)) continue;
      const [path, anchor] = link.split('#');
      const target = normalize(join(dirname(join(root, file)), path!));
      expect(existsSync(target), `${file} → ${link}`).toBe(true);
      if (anchor) expect([...readFileSync(target, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1]!)), `${file} → ${link}`).toContain(anchor);
    }
  });

  it.each(files)('%s runs the CLI as `npx account-linker …`, which works without a global install', (file) => {
    const bare = [...read(file).matchAll(/(?<![\w/.-])(?<!npx )account-linker (start|api|worker|sim|bulk|platforms|demo|healthcheck)\b/g)].map((m) => m[0]);
    expect(bare).toEqual([]);
  });
});
