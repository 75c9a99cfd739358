/**
 * Due work (job time-outs, retry back-offs, timers, message TTLs): a min-heap
 * by due time and one timer for the earliest entry. Entries are hints; the
 * processor re-checks the state when one fires, so stale entries are harmless
 * to correctness. They are not harmless to memory: a completed job's time-out
 * entry would stay until its deadline, so the heap would hold throughput ×
 * time-out entries (600,000 at 2,000 jobs/s and a five-minute time-out). So
 * the processor reports how many entries may have gone stale, and once they
 * could be half the heap it keeps only the live ones (amortised: a sweep of n
 * entries follows at least n/2 reported).
 */
import type { DueEntry } from './context';

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
/** Below this many entries a sweep is not worth its pass. */
const MIN_SWEPT_HEAP = 1_024;

export class Scheduler {
  private heap: DueEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private stopped = false;
  /** Entries reported as possibly stale since the last sweep; an upper bound, only a trigger. */
  private dropped = 0;

  constructor(
    private readonly onDue: (entries: DueEntry[]) => void,
    private readonly now: () => number = Date.now,
    /** Whether an entry's subject may still need it; false only when its handler would certainly do nothing. */
    private readonly isLive: (entry: DueEntry) => boolean = () => true,
  ) {}

  add(entries: readonly DueEntry[]): void {
    if (this.stopped) return;
    for (const entry of entries) this.push(entry);
    this.arm();
  }

  /** `count` entries may have lost their subject (jobs, timers, messages removed by a committed batch). */
  noteDropped(count: number): void {
    this.dropped += count;
    if (this.heap.length < MIN_SWEPT_HEAP || this.dropped * 2 < this.heap.length) return;
    this.sweep();
  }

  /**
   * Keeps the live entries and restores the heap order bottom-up. The armed
   * timer is left alone: if its entry went, it fires early, finds nothing due
   * and re-arms on the new earliest entry.
   */
  private sweep(): void {
    this.dropped = 0;
    const live = this.heap.filter(this.isLive);
    if (live.length === this.heap.length) return;
    this.heap = live;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i, live[i]);
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
    if (heap.length > 0) this.siftDown(0, last);
    return top;
  }

  /** Places `entry` at slot `i` or below it, moving earlier children up. */
  private siftDown(i: number, entry: DueEntry): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].due < heap[left].due ? right : left;
      if (heap[child].due >= entry.due) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}
