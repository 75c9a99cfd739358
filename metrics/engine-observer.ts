/**
 * The engine's observer in Prometheus terms. Called on the processor's hot
 * path, so label children are looked up once per job type and reused.
 */
import type { Counter } from 'prom-client';
import type { EngineObserver } from '../engine/observer';
import type { EngineMetrics } from './registry';

type Child = ReturnType<Counter<'type'>['labels']>;

export function engineObserver(metrics: EngineMetrics): EngineObserver {
  const activated = childrenOf(metrics.jobsActivated);
  const completed = childrenOf(metrics.jobsCompleted);
  return {
    batchCommitted(commands, records, commitMillis) {
      metrics.commands.inc(commands);
      metrics.records.inc(records);
      metrics.batchSize.observe(commands);
      metrics.commitDuration.observe(commitMillis / 1000);
    },
    jobsActivated(type, count) {
      activated(type).inc(count);
    },
    jobCompleted(type) {
      completed(type).inc();
    },
    incidentCreated(errorType) {
      metrics.incidentsCreated.inc({ error_type: errorType });
      metrics.openIncidents.inc();
    },
    incidentResolved(errorType) {
      metrics.incidentsResolved.inc({ error_type: errorType });
      metrics.openIncidents.dec();
    },
    timerFired(lagMillis) {
      metrics.timerLag.observe(Math.max(0, lagMillis) / 1000);
    },
    stateLoaded(openIncidents) {
      metrics.openIncidents.set(openIncidents);
    },
  };
}

function childrenOf(counter: Counter<'type'>): (type: string) => Child {
  const children = new Map<string, Child>();
  return (type) => {
    let child = children.get(type);
    if (child === undefined) {
      child = counter.labels(type);
      children.set(type, child);
    }
    return child;
  };
}
