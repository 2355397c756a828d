import { request } from 'undici';

/** Samples of a Prometheus text exposition, keyed `name{label="value",…}` exactly as printed. */
export type Samples = Map<string, number>;

export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

export async function scrape(baseUrl: string): Promise<Samples> {
  const res = await request(`${baseUrl}/metrics`);
  if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}`);
  return parsePrometheus(await res.body.text());
}

/** Sum over every sample of `name` whose labels include all of `labels`. */
export function total(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    if ((brace === -1 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

/** What happened between two scrapes of the same process(es). */
export const delta = (before: Samples, after: Samples, name: string, labels: Record<string, string> = {}) =>
  total(after, name, labels) - total(before, name, labels);
