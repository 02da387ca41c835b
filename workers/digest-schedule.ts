/** The Temporal Schedule that runs the weekly digest every Monday at 7:00, Paris time; created once, kept as it is. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { weeklyDigest } from '../workflows/weekly-digest';

export const DIGEST_SCHEDULE_ID = 'spaser-weekly-digest';

export async function ensureDigestSchedule(client: Client, taskQueue: string, scheduleId = DIGEST_SCHEDULE_ID): Promise<'created' | 'existing'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 7, minute: 0 }], timezone: 'Europe/Paris' },
      action: { type: 'startWorkflow', workflowType: weeklyDigest, taskQueue, args: [{}] },
      // A run still going on next Monday is not doubled; a missed Monday (server down) is caught up within a day.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'existing';
    throw err;
  }
}
