/**
 * Due work (job time-outs, retry back-offs): a min-heap by due time and one
 * timer for the earliest entry. Entries are hints; the processor re-checks the
 * state when one fires, so stale entries are harmless.
 */
import type { DueEntry } from './context';

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class Scheduler {
  private readonly heap: DueEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private stopped = false;

  constructor(
    private readonly onDue: (entries: DueEntry[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  add(entries: readonly DueEntry[]): void {
    if (this.stopped) return;
    for (const entry of entries) this.push(entry);
    this.arm();
  }

  get size(): number {
    return this.heap.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.due >= this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next.due;
    // Node fires a delay beyond 2^31-1 ms (about 24.8 days) after 1 ms; a far timer wakes at the cap and re-arms instead.
    this.timer = setTimeout(() => this.fireDue(), Math.min(MAX_TIMER_DELAY_MS, Math.max(0, next.due - this.now())));
    this.timer.unref();
  }

  /** Hands over every entry due by now (the timer does this; a test clock asks for it after moving on). */
  fireDue(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.stopped) return;
    const now = this.now();
    const due: DueEntry[] = [];
    while (this.heap.length > 0 && this.heap[0].due <= now) due.push(this.pop());
    if (due.length > 0) this.onDue(due);
    this.arm();
  }

  private push(entry: DueEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].due <= entry.due) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): DueEntry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right].due < heap[left].due ? right : left;
        if (heap[child].due >= last.due) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
