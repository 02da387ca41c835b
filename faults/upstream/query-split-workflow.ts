import { defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

const { step } = proxyActivities<{ step(name: string): Promise<string> }>({ startToCloseTimeout: '1 minute', taskQueue: 'query-split-steps' });

export const ping = defineQuery<string>('ping');

/**
 * Nine steps at once. The three `a` steps wake a long chain that ends on a timer; the six `b` steps wake a short one
 * that ends on an activity. In one activation the short chains issue their commands first; when the `a` results are
 * applied in an activation of their own, the timers come first.
 */
export async function querySplit(): Promise<void> {
  setHandler(ping, () => 'pong');
  const long = async (i: number) => {
    await step(`a${i}`);
    for (let hop = 0; hop < 20; hop++) await Promise.resolve();
    await sleep(100);
  };
  const short = async (i: number) => {
    await step(`b${i}`);
    await step(`b${i}-next`);
  };
  await Promise.all([...[0, 1, 2].map(long), ...[0, 1, 2, 3, 4, 5].map(short)]);
}
