import { proxyActivities } from '@temporalio/workflow';
import type { SystemCheckActivities } from '../activities/system-check';

export interface SystemCheckInput {
  checkId: string;
  recipient: string;
}

export interface SystemCheckResult {
  checkId: string;
  recordedAt: string;
  event: { topic: string; partition: number; offset: string };
  messageId: string;
}

const { recordSystemCheck, publishSystemCheck, mailSystemCheck } = proxyActivities<SystemCheckActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

/** Proves an installation end to end: one row in PostgreSQL, one Kafka message, one mail. */
export async function systemCheck(input: SystemCheckInput): Promise<SystemCheckResult> {
  const recordedAt = await recordSystemCheck(input.checkId);
  const event = await publishSystemCheck(input.checkId);
  const messageId = await mailSystemCheck(input);
  return { checkId: input.checkId, recordedAt, event, messageId };
}
