/**
 * One open long poll per client connection, job type and worker name.
 *
 * The Camunda SDK's job worker gives up on a long poll one second after its
 * request timeout by dropping the stream, without cancelling the call, so
 * the gateway never hears that it went. When the client's event loop stalls
 * for longer than that (a busy start, a long garbage collection, a starved
 * process), every poll it has open is dropped this way, and the worker opens
 * new ones. An abandoned poll still waits in the engine, takes the next job
 * of its type, and writes it to a reader that is gone: the job then waits
 * for its activation timeout (half a minute or more) before anyone sees it.
 *
 * A worker has one poll open at a time, so a new poll from the same
 * connection, type and worker means the earlier one was abandoned: it ends
 * with no jobs, and whatever it activated meanwhile goes back to the queue.
 * For a client that did still wait (two workers sharing one name on one
 * connection), that is an early empty answer, after which it polls again.
 */
export class SupersededPolls {
  private readonly open = new Map<string, () => void>();

  /**
   * Registers a poll, ending the one it supersedes (`supersede` is called
   * for the earlier poll); returns what to call when this poll ends.
   */
  enter(connection: string, type: string, worker: string, supersede: () => void): () => void {
    const key = `${connection}\u0000${type}\u0000${worker}`;
    const earlier = this.open.get(key);
    this.open.set(key, supersede);
    earlier?.();
    return () => {
      if (this.open.get(key) === supersede) this.open.delete(key);
    };
  }
}
