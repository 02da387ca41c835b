/**
 * Who reads what. Every read of contracts and tasks goes through these scopes, so the rule lives in one place:
 * never another collectivity; within it, a buyer their contracts and tasks, a partner the contracts it was told
 * about, a manager everything.
 */
import type { Prisma, Role } from '../prisma/generated/client';

export interface Viewer {
  id: string;
  email: string;
  name: string;
  role: Role;
  collectivityId: string;
  partnerId: string | null;
  /** Runs the collectivity: people, system tokens, policy versions. */
  admin: boolean;
}

export function contractScope(viewer: Viewer): Prisma.ContractWhereInput {
  const own = { collectivityId: viewer.collectivityId };
  switch (viewer.role) {
    case 'manager':
      return own;
    case 'buyer':
      return { ...own, OR: [{ buyerEmail: viewer.email }, { tasks: { some: { assigneeEmail: viewer.email } } }] };
    case 'partner':
      return { ...own, partners: { some: { partnerId: viewer.partnerId ?? '\u0000none' } } };
  }
}

export function taskScope(viewer: Viewer): Prisma.TaskWhereInput {
  return { contract: contractScope(viewer) };
}

/**
 * A buyer answers the tasks put to them, a manager any task of their collectivity, a partner the insertion hours of
 * the contracts it follows (in its scope: `taskScope`), whoever is asked now; otherwise partners only read.
 */
export function mayAnswer(viewer: Viewer, task: { kind: string; assigneeEmail: string; contract: { collectivityId: string } }): boolean {
  if (task.contract.collectivityId !== viewer.collectivityId) return false;
  if (viewer.role === 'partner') return task.kind === 'insertion-hours' && viewer.partnerId !== null;
  return viewer.role === 'manager' || (viewer.role === 'buyer' && task.assigneeEmail === viewer.email);
}

export const ROLE_LABELS: Record<Role, string> = { buyer: 'Acheteur', partner: 'Partenaire', manager: 'Responsable' };
