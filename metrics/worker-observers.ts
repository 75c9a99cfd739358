/** The job workers' and the departments client's observers in Prometheus terms. */
import type { DepartmentObserver } from '../workers/departments/department-client';
import type { WorkerObserver } from '../workers/start-workers';
import type { WorkerMetrics } from './registry';

export function workerObserver(metrics: WorkerMetrics): WorkerObserver {
  return {
    jobHandled(type, result, millis) {
      metrics.jobDuration.observe({ type, result }, millis / 1000);
    },
  };
}

export function departmentObserver(metrics: WorkerMetrics): DepartmentObserver {
  return {
    attempted(department, outcome, millis) {
      metrics.departmentDuration.observe({ department, outcome }, millis / 1000);
      // NOT_OURS is the department's considered answer (the event is re-routed), not a failure.
      if (outcome !== 'ok' && outcome !== 'not-ours') metrics.departmentErrors.inc({ department, outcome });
    },
  };
}
