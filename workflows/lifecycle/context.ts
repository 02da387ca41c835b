import { condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Phase } from '../../domain/policy';
import type { CheckContext } from '../../domain/rules';
import { SA } from '../../domain/search-attributes';
import { Recorder } from './recorder';
import type { LifecycleState } from './state';

/** Thrown out of any wait once the contract is terminated or declared unsuccessful. */
export class LifecycleEnded extends Error {}

/** The running contract: its state, its recorder and the waits every step shares. */
export class Lifecycle {
  readonly recorder: Recorder;
  /** Activities and child starts the workflow awaits now; none means it waits only on people, events or the calendar. */
  private inFlight = 0;

  constructor(readonly state: LifecycleState) {
    this.recorder = new Recorder(state, workflowInfo().workflowId, (work) => this.track(work));
  }

  /**
   * Set as the run ends (completion or continue-as-new): until the server has closed it, a query may still be answered
   * from this state, and the run is not settled. A signal sent then would race the run's last workflow task.
   */
  closing = false;

  get settled(): boolean {
    return this.inFlight === 0 && !this.closing;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  /** Counts an answer or event signal as it arrives, so a sender can tell when the workflow has taken it. */
  countSignal(): void {
    this.state.signalsTaken = (this.state.signalsTaken ?? 0) + 1;
  }

  get facts() {
    return this.state.contract.facts;
  }

  get checkContext(): CheckContext {
    return { contract: this.facts, policy: this.state.policy, decisions: this.state.decisions };
  }

  /** Who is asked when the buyer does not answer. */
  get escalationEmail(): string {
    return this.facts.manager?.email ?? this.state.policy.contacts.publicProcurementService;
  }

  assigneeEmail(assignee: 'buyer' | 'manager' | 'partner'): string {
    if (assignee === 'partner') return this.insertionPartnerEmail ?? this.facts.buyer.email;
    return assignee === 'buyer' ? this.facts.buyer.email : this.escalationEmail;
  }

  get insertionPartnerEmail(): string | undefined {
    const { partners, insertionPartner } = this.state.policy;
    return partners.find((p) => p.id === insertionPartner)?.email;
  }

  throwIfEnded(): void {
    if (this.state.ended) throw new LifecycleEnded(this.state.ended.status);
  }

  /** Sleeps until `dateMs`, waking early when an event changes dates; throws once the contract has ended. */
  async sleepUntil(dateMs: () => number): Promise<void> {
    for (;;) {
      this.throwIfEnded();
      const revision = this.state.revision;
      const wait = dateMs() - Date.now();
      if (wait <= 0 && this.state.contract.status !== 'suspended') break;
      if (this.state.contract.status === 'suspended') {
        this.state.sleepingUntil = undefined; // waits for the resumption, not for a date
        await condition(() => this.state.contract.status !== 'suspended' || !!this.state.ended);
      } else {
        this.state.sleepingUntil = new Date(dateMs()).toISOString();
        await condition(() => this.state.revision !== revision || !!this.state.ended, wait);
      }
    }
    this.state.sleepingUntil = undefined;
  }

  async enterPhase(phase: Phase): Promise<void> {
    this.throwIfEnded();
    this.state.contract.phase = phase;
    upsertSearchAttributes([{ key: SA.phase, value: phase }]);
    await this.recorder.contract().log('system', 'phase.entered', `Étape : ${phase}`, { phase }).flush();
  }

  refreshOverdue(): void {
    const now = Date.now();
    const overdue = Object.values(this.state.tasks).some((t) => t.status === 'open' && Date.parse(t.dueAt) <= now);
    upsertSearchAttributes([{ key: SA.overdue, value: overdue }]);
  }
}
