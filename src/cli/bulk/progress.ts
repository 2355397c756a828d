import cliProgress from 'cli-progress';

export interface ProgressCounts {
  /** Rows handled so far: answered by the API or rejected by the CLI. */
  submitted: number;
  linked: number;
  /** Failed requests plus rejected rows. */
  failed: number;
  /** Results the platform acknowledged, or that needed no acknowledgement (no endpoint subscribed). */
  confirmed: number;
  /** The server's estimate for the last open batch (GET /v1/batches/:id `estimatedCompletionAt`), when it gives one. */
  serverEta?: Date;
  /** Set while the server's breaker holds validation (GET /v1/batches/:id `paused`). */
  paused?: { reason: string; resumesAt: string };
}

export interface ProgressOptions {
  total: number;
  /** With --wait, progress is rows finished (linked or failed); without, rows submitted. */
  wait: boolean;
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a terminal. Default 2. */
  plainEverySeconds?: number;
}

const RATE_WINDOW_MS = 10_000;
/** A rate measured over less than this (the first batch's jump) would promise a wrong ETA. */
const MIN_RATE_WINDOW_MS = 5_000;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A progress bar on a terminal (cli-progress), plain progress lines otherwise (CI logs, pipes).
 * The ETA is the server's estimate when it gives one; otherwise it comes from the rate of the last
 * 10 seconds, so it follows the workers' real pace, and is shown only once 5 seconds were measured.
 */
export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly bar?: cliProgress.SingleBar;
  private readonly samples: { at: number; done: number }[] = [];
  private lastPlainAt = 0;
  private counts: ProgressCounts = { submitted: 0, linked: 0, failed: 0, confirmed: 0 };

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    if (this.stream.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: `{bar} {percentage}% | submitted {submitted}/{total} | linked {linked} | failed {failed} | confirmed {confirmed} | {rate}/s | ETA {etaText}{pausedText}`,
          hideCursor: true,
          etaBuffer: 1,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(options.total, 0, this.payload());
    }
  }

  private done(): number {
    return this.options.wait ? this.counts.linked + this.counts.failed : this.counts.submitted;
  }

  /** Rows per second, and whether it was measured long enough to predict from. */
  private rate(): { perSecond: number; known: boolean } {
    const now = Date.now();
    this.samples.push({ at: now, done: this.done() });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= MIN_RATE_WINDOW_MS && now - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const ms = now - first.at;
    const perSecond = ms > 0 ? ((this.done() - first.done) * 1000) / ms : 0;
    return { perSecond, known: ms >= MIN_RATE_WINDOW_MS && perSecond > 0 };
  }

  private etaText(rate: { perSecond: number; known: boolean }): string {
    const left = this.options.total - this.done();
    if (left <= 0) return '0s';
    const { serverEta } = this.counts;
    if (serverEta) return `${duration(Math.max(0, (serverEta.getTime() - Date.now()) / 1000))} (server)`;
    return rate.known ? duration(left / rate.perSecond) : '?';
  }

  private payload() {
    const rate = this.rate();
    const { paused } = this.counts;
    return {
      ...this.counts,
      total: this.options.total,
      rate: rate.perSecond.toFixed(0),
      etaText: this.etaText(rate),
      pausedText: paused ? ` | paused: ${paused.reason}, resumes ${paused.resumesAt}` : '',
    };
  }

  update(counts: ProgressCounts): void {
    this.counts = counts;
    const payload = this.payload();
    if (this.bar) {
      this.bar.update(this.done(), payload);
      return;
    }
    const now = Date.now();
    if (now - this.lastPlainAt >= (this.options.plainEverySeconds ?? 2) * 1000) {
      this.lastPlainAt = now;
      this.plainLine(payload);
    }
  }

  private plainLine(p: ReturnType<Progress['payload']>): void {
    this.stream.write(`progress: submitted ${p.submitted}/${p.total}, linked ${p.linked}, failed ${p.failed}, confirmed ${p.confirmed}, ${p.rate} rows/s, ETA ${p.etaText}${p.pausedText.replace(' |', ',')}\n`);
  }

  stop(): void {
    if (this.bar) this.bar.stop();
    else this.plainLine(this.payload());
  }
}
