/**
 * Workers waiting for jobs: long-polling ActivateJobs calls and job streams.
 * At the end of every batch, jobs that became activatable go to streams first
 * (one job per stream, round robin, as Zeebe pushes them) and then to the
 * oldest waiting long poll. Deliveries happen only after the batch commits.
 */
import type { ActivatedJob } from '../api';
import type { ProcessingContext } from './context';
import { activateJobs, type ActivationRequest } from './job-activation';

export interface LongPoll {
  readonly request: ActivationRequest;
  readonly max: number;
  readonly deliver: (jobs: ActivatedJob[]) => void;
  done: boolean;
}

export interface StreamConsumer {
  readonly request: ActivationRequest;
  readonly onJob: (job: ActivatedJob) => void;
  closed: boolean;
}

export type Delivery = () => void;

export class JobDispatch {
  private readonly polls = new Map<string, LongPoll[]>();
  private readonly streams = new Map<string, StreamConsumer[]>();
  private readonly cursor = new Map<string, number>();

  park(poll: LongPoll): void {
    const list = this.polls.get(poll.request.type);
    if (list) list.push(poll);
    else this.polls.set(poll.request.type, [poll]);
  }

  addStream(stream: StreamConsumer): void {
    const list = this.streams.get(stream.request.type);
    if (list) list.push(stream);
    else this.streams.set(stream.request.type, [stream]);
  }

  removeStream(stream: StreamConsumer): void {
    stream.closed = true;
    const list = this.streams.get(stream.request.type);
    if (!list) return;
    const index = list.indexOf(stream);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.streams.delete(stream.request.type);
  }

  hasConsumers(type: string): boolean {
    return (this.streams.get(type)?.length ?? 0) > 0 || (this.polls.get(type)?.length ?? 0) > 0;
  }

  /** Hands activatable jobs of the given types to waiting consumers; returns what to deliver after commit. */
  serve(ctx: ProcessingContext, types: Iterable<string>, deliveries: Delivery[]): void {
    for (const type of types) {
      this.serveStreams(ctx, type, deliveries);
      this.servePolls(ctx, type, deliveries);
    }
  }

  private serveStreams(ctx: ProcessingContext, type: string, deliveries: Delivery[]): void {
    const list = this.streams.get(type);
    if (!list || list.length === 0) return;
    let cursor = this.cursor.get(type) ?? 0;
    for (;;) {
      const stream = list[cursor % list.length];
      const [job] = activateJobs(ctx, stream.request, 1);
      if (!job) break;
      cursor++;
      deliveries.push(() => {
        if (!stream.closed) stream.onJob(job);
      });
    }
    this.cursor.set(type, cursor % list.length);
  }

  private servePolls(ctx: ProcessingContext, type: string, deliveries: Delivery[]): void {
    const list = this.polls.get(type);
    if (!list) return;
    while (list.length > 0) {
      const poll = list[0];
      if (poll.done) {
        list.shift();
        continue;
      }
      const jobs = activateJobs(ctx, poll.request, poll.max);
      if (jobs.length === 0) break;
      list.shift();
      poll.done = true;
      deliveries.push(() => poll.deliver(jobs));
    }
    if (list.length === 0) this.polls.delete(type);
  }

  /** Removes the open streams and returns them, for a processor that takes over after a reload. */
  takeStreams(): StreamConsumer[] {
    const open = [...this.streams.values()].flat().filter((stream) => !stream.closed);
    this.streams.clear();
    return open;
  }

  /** Ends every waiting long poll with no jobs (shutdown). */
  releaseAll(): void {
    for (const list of this.polls.values()) {
      for (const poll of list) {
        if (!poll.done) {
          poll.done = true;
          poll.deliver([]);
        }
      }
    }
    this.polls.clear();
    for (const list of this.streams.values()) for (const stream of list) stream.closed = true;
    this.streams.clear();
  }
}
