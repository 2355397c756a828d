/**
 * Runs `stop` once on SIGINT or SIGTERM; a second signal exits at once, for a stop that hangs.
 */
export function onShutdown(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    stop(signal).then(
      () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      },
      (error: unknown) => {
        console.error(`did not stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
