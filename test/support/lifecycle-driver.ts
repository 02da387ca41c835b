import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CheckKind } from '../../domain/policy';
import { answerTaskUpdate, statusQuery, type contractLifecycle, type LifecycleStatus } from '../../workflows/contract-lifecycle';

const DAY = 86_400_000;

/**
 * Drives a contract's workflow as its people would: waits for questions, answers them through the real update,
 * and moves the time-skipping server's clock only when the workflow sleeps on the calendar.
 */
export class LifecycleDriver {
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly handle: WorkflowHandle<typeof contractLifecycle>,
    readonly firstRunId?: string,
  ) {}

  status(): Promise<LifecycleStatus> {
    return this.handle.query(statusQuery);
  }

  /** Waits until exactly these kinds are open, advancing the clock through calendar sleeps only. */
  async expectTasks(kinds: CheckKind[], { maxDays = 1200 } = {}): Promise<LifecycleStatus> {
    const want = [...kinds].sort().join(',');
    const deadline = (await this.env.currentTimeMs()) + maxDays * DAY;
    let last: string;
    for (let idle = 0; ; ) {
      const s = await this.status();
      last = s.openTasks.map((t) => t.kind).sort().join(',');
      if (last === want) return s;
      if (s.sleepingUntil && s.openTasks.length === 0) {
        const now = await this.env.currentTimeMs();
        if (now > deadline) break;
        await this.env.sleep(Math.max(1000, Date.parse(s.sleepingUntil) - now + 1000));
        idle = 0;
      } else if (++idle > 200) break; // 10 s of real time with nothing new: the workflow is not going there
      else await delay(50);
    }
    throw new Error(`expected open tasks [${want}], found [${last}]`);
  }

  /**
   * Answers through the `answerTask` update, which returns once the workflow took the answer or refused it. The
   * product answers with the `answer` signal (web, CLI, fault suite and bench run it on the real server); on the
   * time-skipping server, a signal-driven 4-year run sometimes stalled the clock after a continue-as-new.
   */
  async answer(kind: CheckKind, answer: unknown, by = 'acheteur@test.fr'): Promise<void> {
    const s = await this.status();
    const task = s.openTasks.find((t) => t.kind === kind);
    if (!task) throw new Error(`no open ${kind} task (open: ${s.openTasks.map((t) => t.kind).join(', ')})`);
    await this.handle.executeUpdate(answerTaskUpdate, { args: [{ taskId: task.id, answer, by }] });
  }

  /** Answers each open task from `answers`; every open kind must have one. */
  async answerAll(answers: Partial<Record<CheckKind, unknown>>): Promise<void> {
    for (const t of (await this.status()).openTasks) {
      if (!(t.kind in answers)) throw new Error(`no scripted answer for ${t.kind}`);
      await this.answer(t.kind, answers[t.kind]);
    }
  }

  /** Waits until the workflow reports `phase` (no clock move). */
  async expectPhase(phase: LifecycleStatus['phase'], timeoutMs = 10_000): Promise<LifecycleStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status();
      if (s.phase === phase) return s;
      if (Date.now() > deadline) throw new Error(`expected phase ${phase}, still ${s.phase}`);
      await delay(50);
    }
  }

  /** Waits until the run has closed (without `result()`, which would skip time for every workflow). */
  async expectClosed(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await this.handle.describe();
      if (status.name !== 'RUNNING') return status.name;
      if (Date.now() > deadline) throw new Error('workflow still running');
      await delay(50);
    }
  }

  /**
   * Terminates the workflow once no activity is in flight: the time-skipping server keeps its clock locked
   * for an activity whose workflow was terminated, which would stall every later `env.sleep`.
   */
  async stop(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { raw } = await this.handle.describe();
      if (!raw.pendingActivities?.length) break;
      await delay(50);
    }
    await this.handle.terminate('test over');
  }
}
