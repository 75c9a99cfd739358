/**
 * What the engine reports while it works, for metrics. The engine does not
 * know who listens (metrics/ implements this with prom-client); the calls sit
 * on the processor's hot path, so implementations must be cheap.
 */
export interface EngineObserver {
  /** A batch became durable: how many commands it held, the records it appended, how long the commit took. */
  batchCommitted(commands: number, records: number, commitMillis: number): void;
  /** `count` jobs of `type` were handed to a worker (ActivateJobs, a long poll served, a job stream). */
  jobsActivated(type: string, count: number): void;
  jobCompleted(type: string): void;
  incidentCreated(errorType: string): void;
  incidentResolved(errorType: string): void;
  /** A timer fired `lagMillis` after its due date. */
  timerFired(lagMillis: number): void;
  /** Once per start, after the state is loaded: the incidents open at that moment. */
  stateLoaded(openIncidents: number): void;
}

const NOTHING = (): void => undefined;

export const NO_ENGINE_OBSERVER: EngineObserver = Object.freeze({
  batchCommitted: NOTHING,
  jobsActivated: NOTHING,
  jobCompleted: NOTHING,
  incidentCreated: NOTHING,
  incidentResolved: NOTHING,
  timerFired: NOTHING,
  stateLoaded: NOTHING,
});

/**
 * The observer runs inside command processing, where any exception stops the
 * engine; a failing metric must never do that, so failures are only reported.
 */
export function guardObserver(observer: EngineObserver, onError: (error: unknown) => void): EngineObserver {
  if (observer === NO_ENGINE_OBSERVER) return observer;
  const guard =
    <A extends unknown[]>(call: (...args: A) => void) =>
    (...args: A): void => {
      try {
        call(...args);
      } catch (error) {
        onError(error);
      }
    };
  return {
    batchCommitted: guard(observer.batchCommitted.bind(observer)),
    jobsActivated: guard(observer.jobsActivated.bind(observer)),
    jobCompleted: guard(observer.jobCompleted.bind(observer)),
    incidentCreated: guard(observer.incidentCreated.bind(observer)),
    incidentResolved: guard(observer.incidentResolved.bind(observer)),
    timerFired: guard(observer.timerFired.bind(observer)),
    stateLoaded: guard(observer.stateLoaded.bind(observer)),
  };
}
