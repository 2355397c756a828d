/**
 * `fn` with its results kept per input, for what every webhook would otherwise make again from the
 * same few strings (an endpoint's signing keys, its URL's parts). Past `max` inputs it starts over:
 * they are the endpoints' own, a handful in use at any time.
 */
export function memo<T>(fn: (input: string) => T, max = 1_000): (input: string) => T {
  const kept = new Map<string, T>();
  return (input) => {
    let value = kept.get(input);
    if (value === undefined) {
      if (kept.size >= max) kept.clear();
      value = fn(input);
      kept.set(input, value);
    }
    return value;
  };
}
