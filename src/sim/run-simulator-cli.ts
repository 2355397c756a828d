import type { RateLimitOptions } from './rate-limiter.js';
import { startSimulator, type Simulator } from './simulator.js';
import { onShutdown } from '../cli/on-shutdown.js';

export interface SimulatorCliOptions {
  /** Default 0 (ephemeral); the CLI usually passes a fixed one. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** JSON seed file, see seed-file.ts. */
  seedFile?: string;
  /** Global latency in ms. Default 0. */
  latencyMs?: number;
  /** Probability of a random 503. Default 0. */
  errorRate?: number;
  /** Default SmartRecruiters' limits; false disables them. */
  rateLimit?: RateLimitOptions | false;
  /** Where the "listening" line goes. Default console.log. */
  log?: (line: string) => void;
}

/**
 * Starts the simulator for `account-linker sim`, prints one "listening" line and stops it
 * cleanly on SIGINT/SIGTERM.
 * Resolves with the running simulator once it listens; the open server keeps the process up.
 */
export async function runSimulatorCli(opts: SimulatorCliOptions = {}): Promise<Simulator> {
  const { log = console.log, ...options } = opts;
  const simulator = await startSimulator(options);
  log(`SmartRecruiters simulator listening on ${simulator.url}`);

  onShutdown(() => simulator.close());
  return simulator;
}
