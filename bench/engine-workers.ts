/**
 * A bench:engine worker process: @camunda8/sdk job workers (gRPC), or a
 * REST worker loop on /v2/jobs, for some of the benchmark's task types, so that client-side work is spread over processes
 * as it would be over machines. Reports to its parent over IPC: finished
 * instances as they finish, and every job's arrival time when told to stop.
 *
 * argv: <gateway port> <poll|stream|rest> <task numbers, comma-separated> <last task number>
 * (for `rest` the port is the REST API's)
 */
import { Camunda8 } from '@camunda8/sdk';

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'finished'; readonly count: number }
  | { readonly kind: 'arrivals'; readonly arrivals: ReadonlyArray<readonly [string, number]> };

export type ParentMessage = { readonly kind: 'stop' };

const [port, mode, taskList, lastTask] = process.argv.slice(2);
const tasks = taskList!.split(',').map(Number);
const send = (message: WorkerMessage): void => void process.send!(message);

// The SDK's stream worker prints the CANCELLED status that its own close() causes.
const printError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if ((args[0] as { code?: unknown } | undefined)?.code !== 1) printError(...args);
};

async function main(): Promise<void> {
  const zeebe = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 5 },
  } as never).getZeebeGrpcApiClient();
  const arrivals: Array<[string, number]> = [];
  let finished = 0;
  let reported = 0;
  const report = setInterval(() => {
    if (finished > reported) {
      send({ kind: 'finished', count: finished - reported });
      reported = finished;
    }
  }, 20);

  const closers: Array<() => unknown> = [];
  for (const task of tasks) {
    const last = task === Number(lastTask);
    const taskHandler = async (job: { key: string; complete: () => Promise<unknown> }) => {
      arrivals.push([job.key, Date.now()]);
      const done = await job.complete();
      if (last) finished++;
      return done;
    };
    const taskType = `task-${task}`;
    if (mode === 'rest') {
      closers.push(restWorker(taskType, `bench-${task}`, taskHandler));
    } else if (mode === 'stream') {
      const stream = (await zeebe.streamJobs({ type: taskType, worker: `bench-${task}`, timeout: 60_000, taskHandler } as never)) as unknown as {
        close(): void;
      };
      closers.push(() => stream.close());
    } else {
      const worker = zeebe.createWorker({ taskType, taskHandler, maxJobsToActivate: 200, timeout: 60_000, pollInterval: 1 } as never);
      closers.push(() => worker.close());
    }
  }
  send({ kind: 'ready' });

  process.on('message', async (message: ParentMessage) => {
    if (message.kind !== 'stop') return;
    clearInterval(report);
    if (finished > reported) send({ kind: 'finished', count: finished - reported });
    for (const close of closers) await close();
    // The SDK keeps timers after close(); this process has nothing left to do.
    process.send!({ kind: 'arrivals', arrivals } satisfies WorkerMessage, () => process.exit(0));
  });
}

interface RestJob {
  readonly jobKey: string;
}

/**
 * A worker as a REST client writes one: long-polling activations of up to 200
 * jobs, each job completed as soon as it arrives, the next activation sent
 * while the completions are under way. Plain fetch (keep-alive), so that the
 * figure is the engine's REST transport, not a client library's.
 */
function restWorker(type: string, worker: string, handler: (job: { key: string; complete: () => Promise<unknown> }) => Promise<unknown>): () => Promise<void> {
  const base = `http://127.0.0.1:${port}/v2`;
  const abort = new AbortController();
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: abort.signal });
  const complete = async (jobKey: string): Promise<void> => {
    const answer = await post(`/jobs/${jobKey}/completion`, {});
    if (answer.status !== 204) throw new Error(`completion of ${jobKey}: HTTP ${answer.status} ${await answer.text()}`);
  };
  const loop = (async () => {
    while (!abort.signal.aborted) {
      const answer = await post('/jobs/activation', { type, worker, timeout: 60_000, maxJobsToActivate: 200, requestTimeout: 5_000 });
      if (answer.status !== 200) throw new Error(`activation: HTTP ${answer.status} ${await answer.text()}`);
      const { jobs } = (await answer.json()) as { jobs: RestJob[] };
      for (const job of jobs) void handler({ key: job.jobKey, complete: () => complete(job.jobKey) });
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return async () => {
    abort.abort();
    await loop;
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
