import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type QueueDepths = () => Promise<Record<string, Record<string, number>>>;

/** Prometheus metrics of one process; /metrics serves `registry`. */
export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'linker_connect_requests_finished_total',
    help: 'Connect requests that reached a final status, by status and error code',
    labelNames: ['status', 'error_code'],
    registers: [this.registry],
  });

  private readonly accepted = new Counter({
    name: 'linker_connect_requests_accepted_total',
    help: 'Connect requests accepted by the API',
    registers: [this.registry],
  });

  private readonly providerCalls = new Histogram({
    name: 'linker_provider_call_duration_seconds',
    help: 'Calls to the provider, by outcome',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly webhookAttempts = new Counter({
    name: 'linker_webhook_attempts_total',
    help: 'Webhook delivery attempts, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly endpointsDisabled = new Counter({
    name: 'linker_webhook_endpoints_disabled_total',
    help: 'Webhook endpoints disabled because their receiver answered 410 Gone',
    registers: [this.registry],
  });

  private readonly confirmationLatency = new Histogram({
    name: 'linker_confirmation_latency_seconds',
    help: 'From a connect request\'s result event being recorded to the platform acknowledging it with a 2xx',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300, 3600],
    registers: [this.registry],
  });

  private readonly httpRequests = new Counter({
    name: 'linker_http_requests_total',
    help: 'HTTP requests answered by the API, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'linker_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its answer, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  /** `validationPaused`: whether the provider breaker holds validation right now (ValidationPauseStore). */
  constructor(validationPaused?: () => Promise<boolean>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'linker_' });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
    // refuses them); their unsuffixed twins carry the same numbers split by type.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`linker_${name}`);
    }
    if (validationPaused) {
      new Gauge({
        name: 'linker_validation_paused',
        help: '1 while the provider breaker holds validation for every tenant, else 0',
        registers: [this.registry],
        async collect() {
          this.set((await validationPaused()) ? 1 : 0);
        },
      });
    }
  }

  /**
   * Adds `linker_queue_jobs`. Queue depths are read from Redis, the same for every process, so only
   * the API exports them (src/api/app.ts): summed over an API and its workers they would count each
   * job several times. Behind several API replicas, aggregate them with `max`, not `sum`.
   */
  exportQueueDepths(queueDepths: QueueDepths): void {
    if (this.registry.getSingleMetric('linker_queue_jobs')) return;
    new Gauge({
      name: 'linker_queue_jobs',
      help: 'Jobs in each queue, by state (read from Redis: the same on every API replica; aggregate with max)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const [queue, counts] of Object.entries(await queueDepths())) {
          for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
        }
      },
    });
  }

  requestsAccepted(count: number): void {
    this.accepted.inc(count);
  }

  requestFinished(status: string, errorCode?: string): void {
    this.requests.inc({ status, error_code: errorCode ?? '' });
  }

  providerCall(outcome: string, durationMs: number): void {
    this.providerCalls.observe({ outcome }, durationMs / 1000);
  }

  webhookAttempt(outcome: string): void {
    this.webhookAttempts.inc({ outcome });
  }

  /** `route` is the route template (never the raw URL, so ids do not explode the label set). */
  httpRequest(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  endpointDisabled(): void {
    this.endpointsDisabled.inc();
  }

  confirmed(latencyMs: number): void {
    this.confirmationLatency.observe(latencyMs / 1000);
  }
}
