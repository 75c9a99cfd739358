export { createMetrics, METRIC_PREFIX, type CreateMetricsOptions, type EngineMetrics, type Metrics, type WorkerMetrics, type ApiMetricObjects } from './registry';
export { engineObserver } from './engine-observer';
export { workerObserver, departmentObserver } from './worker-observers';
export { apiMetrics, MAX_OPERATION_NAMES, OPERATION_TYPES, type ApiMetrics, type ApiRequest, type FinishedOperation, type OperationType } from './api-metrics';
export { registerDomainGauges, type DomainGauges, type DomainGaugesOptions } from './domain-gauges';
export { createOpsRouter, checkReadiness, type CheckResult, type OpsRouterOptions, type ReadinessCheck, type ReadinessReport } from './ops-router';
export { databaseCheck, engineCheck, restCheck, zeebeCheck, type TopologySource } from './readiness';
export { parseExposition, sampleValue, hasSample, type Sample } from './exposition';
export { registerNotificationMetrics } from './notification-metrics';
