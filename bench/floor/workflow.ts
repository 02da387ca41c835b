/**
 * The floor of the lifecycle benchmark: what Temporal alone costs for a contract's shape. It opens the same
 * groups of questions, runs the same number of activities and timers over the same number of runs, and does
 * nothing else: no-op activities, no state, no rules.
 */
import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface FloorShape {
  /** Questions open together at each round, in order. */
  groups: number[];
  activities: number;
  timers: number;
  runs: number;
}

export const floorOpenQuery = defineQuery<{ open: number[]; done: boolean }>('floorOpen');
export const floorAnswerSignal = defineSignal<[number]>('floorAnswer');

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function floorLifecycle(shape: FloorShape, run = 0): Promise<void> {
  const from = (length: number) => Math.floor((run * length) / shape.runs);
  const share = <T>(xs: T[]) => xs.slice(from(xs.length), from(xs.length) + Math.floor(((run + 1) * xs.length) / shape.runs) - from(xs.length));
  const groups = share(shape.groups);
  const asked = shape.groups.reduce((a, b) => a + b, 0);
  const activities = share(Array.from({ length: shape.activities }, (_, i) => i)).length;
  // The product's people often answer before its wait starts, so it starts fewer timers than questions: so does the floor.
  const timedSlots = Math.min(asked, shape.timers);
  const extraTimers = share(Array.from({ length: Math.max(0, shape.timers - asked) }, (_, i) => i)).length;

  const open = new Set<number>();
  let done = false;
  setHandler(floorOpenQuery, () => ({ open: [...open], done }));
  setHandler(floorAnswerSignal, (slot) => void open.delete(slot));

  const perRound = Math.floor(activities / (groups.length + 1));
  let slot = shape.groups.slice(0, from(shape.groups.length)).reduce((a, b) => a + b, 0);
  for (const size of groups) {
    for (let i = 0; i < perRound; i++) await noop();
    const slots = Array.from({ length: size }, () => slot++);
    for (const s of slots) open.add(s);
    await Promise.all(slots.map((s) => (s < timedSlots ? condition(() => !open.has(s), '30 days') : condition(() => !open.has(s)))));
  }
  for (let i = perRound * groups.length; i < activities; i++) await noop();
  for (let i = 0; i < extraTimers; i++) await sleep(1);
  if (run + 1 < shape.runs) await continueAsNew<typeof floorLifecycle>(shape, run + 1);
  done = true;
}
