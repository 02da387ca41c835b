import { patched, proxyActivities } from '@temporalio/workflow';
import type { IndicatorEvent } from '../../domain/indicators';
import type { AuditRecord, NotificationRecord, TaskRecord, Transition } from '../../domain/records';
import type { MailActivities } from '../../activities/mail';
import type { RecordActivities } from '../../activities/records';
import { HISTORY_KEPT, type LifecycleState } from './state';

const { recordTransition } = proxyActivities<RecordActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['ValidationError'] },
});

// A mail waits as long as the SMTP server is down; the heartbeat notices a dead worker within seconds.
const { deliverMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: ['NotificationNotFound'] },
});

/** Collects the records of one transition and writes them in one activity (one database transaction). */
export class Recorder {
  private audit: AuditRecord[] = [];
  private indicators: Transition['indicators'] = [];
  private notifications: NotificationRecord[] = [];
  private tasks = new Map<string, TaskRecord>();
  private contractChanged = false;

  constructor(
    private readonly state: LifecycleState,
    private readonly workflowId: string,
    /** Counts the write while it is in flight (the status query tells whether the workflow has settled). */
    private readonly track: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  private nextId(kind: string): string {
    return `${this.workflowId}:${++this.state.seq}:${kind}`;
  }

  log(actor: string, action: string, summary: string, detail: Record<string, unknown> = {}): this {
    const at = new Date().toISOString();
    this.audit.push({ id: this.nextId('audit'), at, actor, action, detail: { summary, ...detail } });
    this.state.history.push({ at, actor, action, summary });
    if (this.state.history.length > HISTORY_KEPT) this.state.history.splice(0, this.state.history.length - HISTORY_KEPT);
    return this;
  }

  indicator(events: IndicatorEvent[]): this {
    const occurredAt = new Date().toISOString();
    for (const e of events) this.indicators.push({ ...e, id: this.nextId(`indicator:${e.indicator}`), occurredAt });
    return this;
  }

  notify(n: Omit<NotificationRecord, 'id'>): this {
    this.notifications.push({ ...n, id: this.nextId(`mail:${n.kind}`) });
    return this;
  }

  task(t: TaskRecord): this {
    const { received: _received, ...record } = t as TaskRecord & { received?: unknown };
    this.tasks.set(t.id, record);
    return this;
  }

  contract(): this {
    this.contractChanged = true;
    return this;
  }

  /** Writes what was collected; a retried activity rewrites the same ids, so nothing is duplicated. */
  async flush(): Promise<void> {
    const { contract, policy } = this.state;
    const transition: Transition = {
      contractId: contract.facts.id,
      collectivityId: contract.facts.collectivityId,
      policyVersion: policy.version,
      workflowId: this.workflowId,
      buyingService: contract.facts.buyingService,
      contract: this.contractChanged ? contract : undefined,
      tasks: [...this.tasks.values()],
      audit: this.audit,
      indicators: this.indicators,
      notifications: this.notifications,
    };
    this.audit = [];
    this.indicators = [];
    this.notifications = [];
    this.tasks.clear();
    this.contractChanged = false;
    await this.track(async () => {
      await recordTransition(transition);
      // Histories recorded before mails were sent have no deliverMail commands.
      if (transition.notifications.length && patched('deliver-mail')) {
        await Promise.all(transition.notifications.map((n) => deliverMail(n.id)));
      }
    });
  }
}
