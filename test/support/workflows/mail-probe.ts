/** Test-only workflows that run the real deliverMail activity with timeouts short enough to force failures. */
import { proxyActivities } from '@temporalio/workflow';
import type { MailActivities } from '../../../activities/mail';

const timesOut = proxyActivities<MailActivities>({
  startToCloseTimeout: '2 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 1, maximumAttempts: 30 },
});

const heartbeats = proxyActivities<MailActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '3 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 1, maximumAttempts: 30 },
});

export async function deliverWithShortTimeout(notificationId: string) {
  return timesOut.deliverMail(notificationId);
}

export async function deliverWithHeartbeat(notificationId: string) {
  return heartbeats.deliverMail(notificationId);
}
