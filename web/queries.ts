/** The reads behind the pages and the API, always within the viewer's scope (access.ts). */
import { PHASES } from '../domain/policy';
import type { Db } from '../lib/db';
import type { Prisma } from '../prisma/generated/client';
import { contractScope, taskScope, type Viewer } from './access';

export interface ContractFilters {
  service?: string;
  phase?: string;
  overdue?: boolean;
  /** Part of the reference or of the object, any case. */
  search?: string;
}

/** The orders the contract list offers, by the French name used in its URL (`?tri=`). */
export const CONTRACT_SORTS = {
  attribution: [{ plannedAwardDate: 'asc' }, { id: 'asc' }],
  reference: [{ id: 'asc' }],
  objet: [{ object: 'asc' }, { id: 'asc' }],
  service: [{ buyingService: 'asc' }, { plannedAwardDate: 'asc' }, { id: 'asc' }],
} as const satisfies Record<string, Prisma.ContractOrderByWithRelationInput[]>;
export type ContractSort = keyof typeof CONTRACT_SORTS;

export interface Paging {
  page: number;
  pageSize: number;
  sort: ContractSort;
}

export function openTasks(db: Db, viewer: Viewer, { mine = true } = {}) {
  const where: Prisma.TaskWhereInput = { AND: [taskScope(viewer), { status: 'open' }, mine ? { assigneeEmail: viewer.email } : {}] };
  return db.task.findMany({ where, orderBy: { dueAt: 'asc' }, include: { contract: { select: { id: true, object: true, buyingService: true, collectivityId: true } } } });
}

function contractWhere(viewer: Viewer, filters: ContractFilters, now: Date): Prisma.ContractWhereInput {
  const search = filters.search?.trim();
  return {
    AND: [
      contractScope(viewer),
      filters.service ? { buyingService: filters.service } : {},
      filters.phase && (PHASES as readonly string[]).includes(filters.phase) ? { phase: filters.phase } : {},
      filters.overdue ? { tasks: { some: { status: 'open', dueAt: { lt: now } } } } : {},
      search ? { OR: [{ id: { contains: search, mode: 'insensitive' } }, { object: { contains: search, mode: 'insensitive' } }] } : {},
    ],
  };
}

/** Every contract matching the filters, whole, with its open and overdue tasks counted (exports, API). */
export async function contracts(db: Db, viewer: Viewer, filters: ContractFilters = {}) {
  const now = new Date();
  const rows = await db.contract.findMany({
    where: contractWhere(viewer, filters, now), orderBy: CONTRACT_SORTS.attribution, include: { collectivity: { select: { name: true } } },
  });
  return withTaskCounts(db, rows, now);
}

/** The columns the contract list shows. */
const LISTED = { id: true, object: true, buyingService: true, phase: true, status: true, plannedAwardDate: true } as const;

/**
 * One page of the contract list: its columns only, tasks counted in SQL. Reading whole rows with every open task,
 * mapped by Prisma, cost 3.8 ms of CPU per page of 50 (the pages bench's largest item); this costs 1.2.
 */
export async function contractPage(db: Db, viewer: Viewer, filters: ContractFilters, paging: Paging) {
  const now = new Date();
  const rows = await db.contract.findMany({
    where: contractWhere(viewer, filters, now), orderBy: CONTRACT_SORTS[paging.sort],
    skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize, select: LISTED,
  });
  return withTaskCounts(db, rows, now);
}

/** Each contract with its open tasks and, among them, those overdue at `now`: one grouped query. */
async function withTaskCounts<C extends { id: string }>(db: Db, rows: C[], now: Date): Promise<(C & { openTasks: number; overdueTasks: number })[]> {
  const counts = rows.length
    ? await db.$queryRaw<{ contract_id: string; open: number; overdue: number }[]>`
        SELECT contract_id, count(*)::int AS open, (count(*) FILTER (WHERE due_at < ${now}))::int AS overdue
          FROM tasks WHERE status = 'open' AND contract_id = ANY(${rows.map((r) => r.id)}) GROUP BY contract_id`
    : [];
  const byId = new Map(counts.map((c) => [c.contract_id, c]));
  return rows.map((c) => ({ ...c, openTasks: byId.get(c.id)?.open ?? 0, overdueTasks: byId.get(c.id)?.overdue ?? 0 }));
}

export function countContracts(db: Db, viewer: Viewer, filters: ContractFilters = {}): Promise<number> {
  return db.contract.count({ where: contractWhere(viewer, filters, new Date()) });
}

export async function services(db: Db, viewer: Viewer): Promise<string[]> {
  // GROUP BY in SQL: Prisma's `distinct` reads every contract and drops the duplicates itself.
  const rows = await db.contract.groupBy({ where: contractScope(viewer), by: ['buyingService'], orderBy: { buyingService: 'asc' } });
  return rows.map((r) => r.buyingService);
}

/** One contract with its tasks, or undefined when it does not exist or is out of the viewer's scope. */
export async function contract(db: Db, viewer: Viewer, id: string) {
  const found = await db.contract.findFirst({
    where: { AND: [{ id }, contractScope(viewer)] },
    include: { tasks: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }, supplier: true, collectivity: true, partners: true },
  });
  return found ?? undefined;
}

/**
 * A contract's id and workflow id, or undefined when it does not exist or is out of the viewer's scope: what the
 * audit trail needs (one query, where the whole contract took five).
 */
export async function contractRef(db: Db, viewer: Viewer, id: string) {
  const found = await db.contract.findFirst({ where: { AND: [{ id }, contractScope(viewer)] }, select: { id: true, workflowId: true } });
  return found ?? undefined;
}

export async function task(db: Db, viewer: Viewer, id: string) {
  const found = await db.task.findFirst({ where: { AND: [{ id }, taskScope(viewer)] }, include: { contract: true } });
  return found ?? undefined;
}
