import cliProgress from 'cli-progress';

export interface ProgressCounts {
  /** Rows handled so far: answered by the API or rejected by the CLI. */
  submitted: number;
  linked: number;
  /** Failed requests plus rejected rows. */
  failed: number;
  confirmed: number;
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

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A progress bar on a terminal (cli-progress), plain progress lines otherwise (CI logs, pipes).
 * Rate and ETA come from the last 10 seconds, so they follow the workers' real pace.
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
          format: `{bar} {percentage}% | submitted {submitted}/{total} | linked {linked} | failed {failed} | confirmed {confirmed} | {rate}/s | ETA {etaText}`,
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

  private rate(): number {
    const now = Date.now();
    this.samples.push({ at: now, done: this.done() });
    while (this.samples.length > 2 && now - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (this.done() - first.done) / seconds : 0;
  }

  private payload() {
    const rate = this.rate();
    const left = this.options.total - this.done();
    return { ...this.counts, total: this.options.total, rate: rate.toFixed(0), etaText: left <= 0 ? '0s' : rate > 0 ? duration(left / rate) : '?' };
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
    this.stream.write(`progress: submitted ${p.submitted}/${p.total}, linked ${p.linked}, failed ${p.failed}, confirmed ${p.confirmed}, ${p.rate} rows/s, ETA ${p.etaText}\n`);
  }

  stop(): void {
    if (this.bar) this.bar.stop();
    else this.plainLine(this.payload());
  }
}
