import type { Bindings, Logger } from 'pino';

/**
 * `logger.child(bindings)`, made only when a line at an enabled level is written. pino serializes a
 * child's bindings through the redaction paths when the child is made; the validate worker makes
 * one per request, and most requests never log at the configured level (warn by default in
 * production), so making them eagerly cost about 2 % of a link's CPU.
 */
export function lazyChild(logger: Logger, bindings: Bindings): Logger {
  let child: Logger | undefined;
  return new Proxy(logger, {
    get(parent, property) {
      if (typeof property === 'string' && property in parent.levels.values && !parent.isLevelEnabled(property)) return Reflect.get(parent, property);
      child ??= parent.child(bindings);
      const value: unknown = Reflect.get(child, property);
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}
