/** The scheduler's heap: due order, and sweeping entries whose subject went away. */
import type { DueEntry } from './context';
import { Scheduler } from './scheduler';

function kit(isLive?: (entry: DueEntry) => boolean) {
  let now = 0;
  const fired: DueEntry[] = [];
  const scheduler = new Scheduler((entries) => fired.push(...entries), () => now, isLive);
  return {
    scheduler,
    fired,
    fireAt: (time: number): void => {
      now = time;
      scheduler.fireDue();
    },
  };
}

/** Keys 0…count-1, due in a scrambled order. */
function entries(count: number): DueEntry[] {
  return Array.from({ length: count }, (_, key) => ({ due: 1_000 + ((key * 7_919) % count), kind: 'JOB_TIMEOUT' as const, key }));
}

afterEach(() => jest.useRealTimers());

test('entries fire in due order, each once', () => {
  const { scheduler, fired, fireAt } = kit();
  scheduler.add(entries(500));
  fireAt(1_000 + 249);
  expect(fired).toHaveLength(250);
  fireAt(10_000);
  expect(fired.map((e) => e.due)).toEqual(entries(500).map((e) => e.due).sort((a, b) => a - b));
  expect(new Set(fired.map((e) => e.key)).size).toBe(500);
  scheduler.stop();
});

test('once the reported stale entries could be half the heap, only the live ones stay, and they still fire in due order', () => {
  const { scheduler, fired, fireAt } = kit((entry) => entry.key % 2 === 1);
  scheduler.add(entries(2_000));
  scheduler.noteDropped(999);
  expect(scheduler.size).toBe(2_000);
  scheduler.noteDropped(1);
  expect(scheduler.size).toBe(1_000);

  fireAt(10_000);
  expect(fired).toHaveLength(1_000);
  expect(fired.every((e) => e.key % 2 === 1)).toBe(true);
  const dues = fired.map((e) => e.due);
  expect(dues).toEqual([...dues].sort((a, b) => a - b));
  scheduler.stop();
});

test('a small heap is not swept: its stale entries stay and fire', () => {
  const { scheduler, fired, fireAt } = kit(() => false);
  scheduler.add(entries(100));
  scheduler.noteDropped(100);
  expect(scheduler.size).toBe(100);
  fireAt(10_000);
  expect(fired).toHaveLength(100);
  scheduler.stop();
});

test('the armed timer survives a sweep that removed the earliest entry: it fires, finds the next one and re-arms', () => {
  jest.useFakeTimers({ now: 0 });
  const fired: DueEntry[] = [];
  const scheduler = new Scheduler((due) => fired.push(...due), Date.now, (entry) => entry.key !== 0);
  scheduler.add(Array.from({ length: 2_000 }, (_, key) => ({ due: 100 + key, kind: 'TIMER' as const, key })));
  scheduler.noteDropped(1_000);
  expect(scheduler.size).toBe(1_999);
  jest.advanceTimersByTime(100);
  expect(fired).toHaveLength(0);
  jest.advanceTimersByTime(1);
  expect(fired.map((e) => e.key)).toEqual([1]);
  jest.advanceTimersByTime(2_000);
  expect(fired).toHaveLength(1_999);
  scheduler.stop();
});
