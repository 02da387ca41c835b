import { setTimeout as delay } from 'node:timers/promises';
import { isGrpcDeadlineError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CheckKind } from '../../domain/policy';
import type { ContractEvent } from '../../workflows/lifecycle/events';
import { answerTaskSignal, contractEventSignal, statusQuery, type contractLifecycle, type LifecycleStatus } from '../../workflows/contract-lifecycle';

const DAY = 86_400_000;
const POLL_MS = 50;
/** Longer than any answer a settled worker gives on this machine under CI load; a query past it is asked again. */
const QUERY_MS = 5_000;
/** Only a failing test gets there: it then fails with what it waited for, rather than hanging. */
const GIVE_UP_MS = 30_000;

/**
 * Drives a contract's workflow as its people and systems do, through the product's own paths: answers are the
 * `answer` signal, events the `contractEvent` signal. Every step waits on the workflow's state (the status query),
 * never on a delay: a signal is done once the workflow has counted it and settled (no write in flight), and the
 * clock moves only when the workflow has settled on a calendar wait, explicitly, by the time to its next date.
 */
export class LifecycleDriver {
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly handle: WorkflowHandle<typeof contractLifecycle>,
    readonly firstRunId?: string,
  ) {}

  /**
   * The status query, asked again when it gets no answer in a few seconds: the time-skipping server never answers
   * a query that reached a run as it continued as new (continue-as-new is not atomic there, temporalio/sdk-java#1537),
   * and the same query asked again reaches the new run.
   */
  status(): Promise<LifecycleStatus> {
    const ask = async (): Promise<LifecycleStatus> => {
      for (;;) {
        try {
          return await this.env.client.connection.withDeadline(Date.now() + QUERY_MS, () => this.handle.query(statusQuery));
        } catch (err) {
          if (!isGrpcDeadlineError(err)) throw err;
        }
      }
    };
    return this.bounded('the status query', ask());
  }

  /** Waits until the workflow has settled: nothing in flight, no calendar date already passed. */
  settled(what = 'the workflow to settle'): Promise<LifecycleStatus> {
    return this.until(what, () => this.settledStatus());
  }

  /**
   * Waits until exactly these kinds are open. While the workflow has settled with no question open, asleep until a
   * date at most `maxDays` ahead, the clock jumps to that date.
   */
  async expectTasks(kinds: CheckKind[], { maxDays = 1200 } = {}): Promise<LifecycleStatus> {
    const want = [...kinds].sort().join(',');
    const deadline = (await this.env.currentTimeMs()) + maxDays * DAY;
    for (;;) {
      const s = await this.settled(`open tasks [${want}]`);
      const open = s.openTasks.map((t) => t.kind).sort().join(',');
      if (open === want) return s;
      const wakeAt = s.sleepingUntil ? Date.parse(s.sleepingUntil) : undefined;
      if (s.openTasks.length || wakeAt === undefined || wakeAt > deadline) {
        throw new Error(`expected open tasks [${want}], found [${open}] (phase ${s.phase}, asleep until ${s.sleepingUntil ?? '-'})`);
      }
      await this.skip(wakeAt - (await this.env.currentTimeMs()) + 1000);
    }
  }

  /** Moves the clock; a jump that does not end fails with what the server and the workflow were doing. */
  skip(ms: number): Promise<void> {
    return this.bounded(`the clock to move ${ms} ms`, this.env.sleep(ms));
  }

  /** A call to the server that does not return fails with a diagnosis, instead of hanging the test. */
  private async bounded<T>(what: string, call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => void this.diagnose().then((d) => reject(new Error(`still waiting for ${what} after ${GIVE_UP_MS / 1000} s: ${d}`))), GIVE_UP_MS);
    });
    try {
      return await Promise.race([call, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Answers the open task of this kind through the `answer` signal; throws the workflow's reason if it ignored it. */
  async answer(kind: CheckKind, answer: unknown, by = 'acheteur@test.fr'): Promise<void> {
    const s = await this.settled();
    const task = s.openTasks.find((t) => t.kind === kind);
    if (!task) throw new Error(`no open ${kind} task (open: ${s.openTasks.map((t) => t.kind).join(', ')})`);
    const after = await this.answerTask(task.id, answer, by);
    if (after.openTasks.some((t) => t.id === task.id)) {
      const reason = [...after.history].reverse().find((h) => h.action === 'answer.ignored')?.summary;
      throw new Error(reason ?? `answer to ${task.id} not taken`);
    }
  }

  /** Sends an answer to a task id, open or not (yet), and waits until the workflow has taken or ignored it. */
  async answerTask(taskId: string, answer: unknown, by = 'acheteur@test.fr'): Promise<LifecycleStatus> {
    return this.signalled(() => this.handle.signal(answerTaskSignal, { taskId, answer, by }));
  }

  /** Answers each open task from `answers`; every open kind must have one. */
  async answerAll(answers: Partial<Record<CheckKind, unknown>>): Promise<void> {
    for (const t of (await this.settled()).openTasks) {
      if (!(t.kind in answers)) throw new Error(`no scripted answer for ${t.kind}`);
      await this.answer(t.kind, answers[t.kind]);
    }
  }

  /** Sends a contract event and waits until the workflow has applied (or, a duplicate, ignored) it. */
  async event(event: ContractEvent): Promise<LifecycleStatus> {
    return this.signalled(() => this.handle.signal(contractEventSignal, event));
  }

  /** Waits until the workflow reports `phase`. */
  async expectPhase(phase: LifecycleStatus['phase']): Promise<LifecycleStatus> {
    return this.until(`phase ${phase}`, async () => {
      const s = await this.settledStatus();
      return s?.phase === phase ? s : undefined;
    });
  }

  /** Waits until the run has closed (without `result()`, which would skip time for every workflow). */
  async expectClosed(): Promise<string> {
    return this.until('the run to close', async () => {
      const { status } = await this.handle.describe();
      return status.name === 'RUNNING' ? undefined : status.name;
    });
  }

  /**
   * Terminates the workflow once it has settled: the time-skipping server keeps its clock locked for a workflow
   * task or an activity whose workflow was terminated, which would stall every later `env.sleep`.
   */
  async stop(): Promise<void> {
    await this.settled();
    await this.handle.terminate('test over');
  }

  /**
   * Sends a signal only once the workflow has settled. A run closes (continue-as-new, completion) only right after a
   * write, never while settled; a signal that reaches the time-skipping server during the workflow task that closes
   * a run is lost with that run, and the task it scheduled keeps the server's clock locked for good (see README).
   */
  private async signalled(send: () => Promise<void>): Promise<LifecycleStatus> {
    const { signalsTaken: before } = await this.settled('the workflow to settle before a signal');
    await this.bounded('the signal to be sent', send());
    return this.until('the signal to be taken', async () => {
      const s = await this.settledStatus();
      return s && s.signalsTaken > before ? s : undefined;
    });
  }

  /**
   * The status once the workflow has settled. First from the server alone, without asking the worker: no activity
   * and no workflow task in flight. Only then the status query: no write in flight, no calendar date passed. A
   * query that reaches the time-skipping server while the workflow task that continues a run as new is in flight
   * can leave a workflow task on the closed run, which keeps the server's clock locked for good (see README).
   */
  private async settledStatus(): Promise<LifecycleStatus | undefined> {
    const { status, raw } = await this.handle.describe();
    if (status.name !== 'RUNNING') return this.status(); // closed: nothing more will happen
    if (raw.pendingActivities?.length || (await this.workflowTaskInFlight())) return undefined;
    const s = await this.status();
    if (!s.settled) return undefined;
    if (s.sleepingUntil && Date.parse(s.sleepingUntil) <= (await this.env.currentTimeMs())) return undefined; // its timer is due
    return s;
  }

  /** Whether the current run's last workflow task is scheduled or started, not yet completed. */
  private async workflowTaskInFlight(): Promise<boolean> {
    const events = (await this.handle.fetchHistory()).events ?? [];
    for (let i = events.length - 1; i >= 0; i--) {
      if (events[i]!.workflowTaskCompletedEventAttributes) return false;
      if (events[i]!.workflowTaskScheduledEventAttributes || events[i]!.workflowTaskStartedEventAttributes) return true;
    }
    return true;
  }

  private async until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const giveUpAt = Date.now() + GIVE_UP_MS;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > giveUpAt) throw new Error(`still waiting for ${what} after ${GIVE_UP_MS / 1000} s: ${await this.diagnose()}`);
      await delay(POLL_MS);
    }
  }

  /** What a failing wait reports: is the server's clock locked, and the last events of this run and the one before. */
  diagnose(): Promise<string> {
    const late = delay(10_000).then(() => 'no diagnosis (the server did not answer in 10 s)');
    return Promise.race([this.diagnosis(), late]);
  }

  private async diagnosis(): Promise<string> {
    try {
      const t0 = await this.env.currentTimeMs();
      await delay(1000);
      const moved = (await this.env.currentTimeMs()) - t0;
      const { raw, status } = await this.handle.describe();
      const events = (await this.handle.fetchHistory()).events ?? [];
      const kinds = (list: typeof events) => list.slice(-8).map((e) => `${e.eventId}:${Object.keys(e).find((k) => k.endsWith('EventAttributes'))?.replace('EventAttributes', '')}`).join(' ');
      const previousRunId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      const previous = previousRunId ? (await this.env.client.workflow.getHandle(this.handle.workflowId, previousRunId).fetchHistory()).events ?? [] : [];
      return `server clock moved ${moved} ms in 1 s of real time${moved > 10_000 ? '' : ' (locked)'}; run ${status.name}, ` +
        `${raw.pendingActivities?.length ?? 0} activities pending; last events ${kinds(events)}` + (previousRunId ? `; previous run ${kinds(previous)}` : '');
    } catch (err) {
      return `no diagnosis (${(err as Error).message})`;
    }
  }
}
