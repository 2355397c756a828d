/** Parses "50ms", "5s", "5m", "2h", "30d" or a bare number of milliseconds. Returns undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(value * factor);
}

/** Parses a comma-separated list of durations; undefined when any entry is malformed. */
export function parseDurationList(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const values = parts.map(parseDuration);
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}
