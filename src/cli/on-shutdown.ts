/**
 * Runs `stop` once on SIGINT or SIGTERM; a second signal exits at once, for a stop that hangs.
 * With `timeoutMs`, a stop that takes longer than that exits with code 1 by itself, so a process
 * manager never waits on a drain that cannot finish.
 */
export function onShutdown(stop: (signal: NodeJS.Signals) => Promise<void>, timeoutMs?: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      console.error(`did not stop within ${timeoutMs} ms; exiting anyway (unfinished jobs are retried by another worker)`);
      process.exit(1);
    }, timeoutMs).unref();
    stop(signal).then(
      () => {
        clearTimeout(timer);
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
