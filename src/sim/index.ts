export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { runSimulatorCli, type SimulatorCliOptions } from './run-simulator-cli.js';
export {
  keyBehaviorSchema,
  parseKeyBehavior,
  simCompanySchema,
  type KeyBehavior,
  type KeyBehaviorKind,
  type ResolvedKeyBehavior,
  type SimCompany,
} from './key-behaviors.js';
export { SIM_KEY_LENGTH, behaviorFromKeyName, simKey } from './key-convention.js';
export { companyForKey } from './fake-identities.js';
export { RateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limiter.js';
export { simulatorKnobsSchema, type SimulatorKnobs } from './simulator-knobs.js';
export { loadSeedFile, seedFileSchema, type SeedFile } from './seed-file.js';
export { fingerprint, type KeyTrafficStats, type SimulatorStats } from './traffic-stats.js';
export type { KeySource } from './key-registry.js';
