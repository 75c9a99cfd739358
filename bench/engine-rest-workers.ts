/**
 * A bench:engine worker process for the REST case: a worker loop on
 * /v2/jobs per task type, as a REST client writes one — long-polling
 * activations of up to 200 jobs, each job completed as soon as it arrives,
 * the next activation sent while the completions are under way. Plain fetch
 * (keep-alive), so that the figure is the engine's REST transport, not a
 * client library's. Reports to its parent as engine-workers.ts does.
 *
 * argv: <REST port> rest <task numbers, comma-separated> <last task number>
 */
import type { ParentMessage, WorkerMessage } from './engine-workers';

const [port, , taskList, lastTask] = process.argv.slice(2) as [string, string, string, string];
const tasks = taskList.split(',').map(Number);
const base = `http://127.0.0.1:${port}/v2`;
const send = (message: WorkerMessage): void => void process.send!(message);

interface RestJob {
  readonly jobKey: string;
}

const abort = new AbortController();
const arrivals: Array<[string, number]> = [];
let finished = 0;
let reported = 0;

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: abort.signal });
}

async function complete(jobKey: string, last: boolean): Promise<void> {
  const answer = await post(`/jobs/${jobKey}/completion`, {});
  if (answer.status !== 204) throw new Error(`completion of ${jobKey}: HTTP ${answer.status} ${await answer.text()}`);
  if (last) finished++;
}

async function workerLoop(task: number): Promise<void> {
  const type = `task-${task}`;
  const last = task === Number(lastTask);
  while (!abort.signal.aborted) {
    const answer = await post('/jobs/activation', { type, worker: `bench-${task}`, timeout: 60_000, maxJobsToActivate: 200, requestTimeout: 5_000 });
    if (answer.status !== 200) throw new Error(`activation of ${type}: HTTP ${answer.status} ${await answer.text()}`);
    const { jobs } = (await answer.json()) as { jobs: RestJob[] };
    for (const job of jobs) {
      arrivals.push([job.jobKey, Date.now()]);
      complete(job.jobKey, last).catch(failUnlessStopping);
    }
  }
}

function failUnlessStopping(error: unknown): void {
  if (abort.signal.aborted) return;
  console.error(error);
  process.exit(1);
}

const report = setInterval(() => {
  if (finished > reported) {
    send({ kind: 'finished', count: finished - reported });
    reported = finished;
  }
}, 20);

const loops = tasks.map((task) => workerLoop(task).catch(failUnlessStopping));
send({ kind: 'ready' });

process.on('message', (message: ParentMessage) => {
  if (message.kind !== 'stop') return;
  clearInterval(report);
  if (finished > reported) send({ kind: 'finished', count: finished - reported });
  abort.abort();
  void Promise.all(loops).then(() => process.send!({ kind: 'arrivals', arrivals } satisfies WorkerMessage, () => process.exit(0)));
});
