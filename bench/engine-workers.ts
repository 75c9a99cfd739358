/**
 * A bench:engine worker process: @camunda8/sdk job workers for some of the
 * benchmark's task types, so that client-side work is spread over processes
 * as it would be over machines. Reports to its parent over IPC: finished
 * instances as they finish, and every job's arrival time when told to stop.
 *
 * argv: <gateway port> <poll|stream> <task numbers, comma-separated> <last task number> [max jobs per activation, 200]
 */
import { Camunda8 } from '@camunda8/sdk';

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'finished'; readonly count: number }
  | { readonly kind: 'arrivals'; readonly arrivals: ReadonlyArray<readonly [string, number]> };

export type ParentMessage = { readonly kind: 'stop' };

const [port, mode, taskList, lastTask, maxJobs = '200'] = process.argv.slice(2);
const tasks = taskList.split(',').map(Number);
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
    if (mode === 'stream') {
      const stream = await zeebe.streamJobs({ type: taskType, worker: `bench-${task}`, timeout: 60_000, taskHandler } as never);
      closers.push(() => stream.close());
    } else {
      const worker = zeebe.createWorker({ taskType, taskHandler, maxJobsToActivate: Number(maxJobs), timeout: 60_000, pollInterval: 1 } as never);
      closers.push(() => worker.close());
    }
  }
  send({ kind: 'ready' });

  process.on('message', (message: ParentMessage) => {
    if (message.kind === 'stop') stop().catch(fail);
  });

  async function stop(): Promise<void> {
    clearInterval(report);
    if (finished > reported) send({ kind: 'finished', count: finished - reported });
    for (const close of closers) await close();
    // The SDK keeps timers after close(); this process has nothing left to do.
    process.send!({ kind: 'arrivals', arrivals } satisfies WorkerMessage, () => process.exit(0));
  }
}

function fail(error: unknown): never {
  console.error(error);
  process.exit(1);
}

main().catch(fail);
