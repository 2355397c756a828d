import { EventEmitter } from 'node:events';

/**
 * The one deadline of a webhook attempt, over connect, headers and body together: undici's own
 * timeouts are per phase and its body timeout restarts with every chunk, so a receiver dripping a
 * byte now and then would hold the attempt for ever. Passed to undici as the request's `signal`
 * (its documented `AbortSignal | EventEmitter`), which cuts the call in whatever phase it is; a
 * plain emitter and one timer cost about a tenth of an AbortController per attempt.
 */
export class AttemptDeadline extends EventEmitter {
  /** Read by undici: true once the deadline has passed. */
  aborted = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.emit('abort');
    }, ms);
    this.timer.unref();
  }

  /** The attempt is over (answered, failed or its body read): nothing left to cut. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
