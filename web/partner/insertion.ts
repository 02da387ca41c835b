/**
 * The insertion facilitator's view of its contracts (issue 18; 003 action 10): each contract with an insertion
 * clause it follows, the hours planned, and the hours reported year by year. Read through the partner's scope only.
 */
import type { Db } from '../../lib/db';
import { insertionHoursYear } from '../../domain/indicators';
import { taskScope, type Viewer } from '../access';

export interface HoursYear {
  taskId: string;
  executionYear: number;
  /** The calendar year whose indicator the hours feed. */
  year: number;
  status: string;
  hours?: number;
  reportedBy?: string;
  reportedAt?: Date;
  dueAt: Date;
}

export interface InsertionContract {
  id: string;
  object: string;
  contractor?: string;
  startDate?: Date;
  endDate?: Date;
  plannedHours?: number;
  buyer: { name: string; email: string };
  years: HoursYear[];
}

const hoursOf = (answer: unknown) => (typeof answer === 'object' && answer !== null && 'hours' in answer && typeof answer.hours === 'number' ? answer.hours : undefined);
const feasible = (answer: unknown) => typeof answer === 'object' && answer !== null && 'feasible' in answer && answer.feasible === true;

/** The partner's contracts with an insertion clause retained, oldest start first. */
export async function insertionContracts(db: Db, viewer: Viewer): Promise<InsertionContract[]> {
  const tasks = await db.task.findMany({
    where: { AND: [taskScope(viewer), { kind: { in: ['insertion-clause', 'insertion-hours'] } }] },
    include: { contract: { include: { supplier: true } } },
    orderBy: [{ contractId: 'asc' }, { year: 'asc' }],
  });
  const byContract = new Map<string, InsertionContract>();
  for (const t of tasks) {
    const c = t.contract;
    const entry = byContract.get(c.id) ?? {
      id: c.id, object: c.object, contractor: c.supplier?.name ?? c.supplierSiret ?? undefined, startDate: c.startDate ?? undefined,
      endDate: c.endDate ?? undefined, buyer: { name: c.buyerName, email: c.buyerEmail }, years: [],
    };
    byContract.set(c.id, entry);
    if (t.kind === 'insertion-clause' && t.status === 'answered' && feasible(t.answer)) entry.plannedHours = hoursOf(t.answer);
    if (t.kind === 'insertion-hours' && t.year) {
      const start = (c.startDate ?? c.plannedAwardDate).toISOString().slice(0, 10);
      entry.years.push({
        taskId: t.id, executionYear: t.year, year: insertionHoursYear(start, t.year), status: t.status, hours: hoursOf(t.answer),
        reportedBy: t.answeredBy ?? undefined, reportedAt: t.answeredAt ?? undefined, dueAt: t.dueAt,
      });
    }
  }
  return [...byContract.values()].filter((c) => c.plannedHours !== undefined || c.years.length > 0)
    .sort((a, b) => (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0));
}

export interface HoursRow {
  contractId: string;
  object: string;
  contractor: string;
  executionYear: number | string;
  year: number;
  plannedHours?: number;
  hours?: number;
  reportedBy?: string;
  reportedAt?: Date;
}

/** Hours per contract and year, then each calendar year's total: the figure its `insertion-hours` indicator sums. */
export function hoursSummary(contracts: InsertionContract[]): HoursRow[] {
  const rows: HoursRow[] = [];
  const totals = new Map<number, number>();
  for (const c of contracts) {
    for (const y of c.years) {
      if (y.hours === undefined) continue;
      rows.push({ contractId: c.id, object: c.object, contractor: c.contractor ?? '', executionYear: y.executionYear, year: y.year, plannedHours: c.plannedHours, hours: y.hours, reportedBy: y.reportedBy, reportedAt: y.reportedAt });
      totals.set(y.year, (totals.get(y.year) ?? 0) + y.hours);
    }
  }
  for (const [year, hours] of [...totals].sort(([a], [b]) => a - b)) rows.push({ contractId: 'TOTAL', object: `Total ${year}`, contractor: '', executionYear: '', year, hours });
  return rows;
}
