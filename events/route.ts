import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { contractWorkflowId } from '../domain/contract';
import { SA } from '../domain/search-attributes';
import type { ContractEventMessage } from '../schemas/contract-events';
import { contractEventSignal, contractLifecycle } from '../workflows/contract-lifecycle';
import type { ContractEvent } from '../workflows/lifecycle/events';

export type RouteOutcome = 'started' | 'already-known' | 'signalled' | { rejected: string };

/**
 * Hands a valid event to its contract's workflow. Idempotent: a registration starts the workflow only if it does
 * not exist, and the workflow ignores an event id it has already applied.
 */
export async function routeEvent(client: Client, taskQueue: string, event: ContractEventMessage): Promise<RouteOutcome> {
  const workflowId = contractWorkflowId(event.contractId);
  if (event.type === 'contract.registered' || event.type === 'contract.notified') {
    const { award, ...facts } = event.type === 'contract.notified' ? event.payload : { ...event.payload, award: undefined };
    try {
      await client.workflow.start(contractLifecycle, {
        taskQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ contract: { ...facts, id: event.contractId, collectivityId: event.collectivity }, ...(award ? { notified: award } : {}) }],
        // Known from the start, so the consumer can check the collectivity of the contract's next events at once.
        typedSearchAttributes: [{ key: SA.contractId, value: event.contractId }, { key: SA.collectivity, value: event.collectivity }],
      });
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-known';
      throw err;
    }
  }
  try {
    await client.workflow.getHandle(workflowId).signal(contractEventSignal, toSignal(event));
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { rejected: `contrat inconnu ou clos : ${event.contractId}` };
    throw err;
  }
}

/** The workflow's view of an inbound event. */
export function toSignal(e: Exclude<ContractEventMessage, { type: 'contract.registered' | 'contract.notified' }>): ContractEvent {
  const base = { eventId: e.eventId, by: e.source };
  switch (e.type) {
    case 'contract.amended': return { ...base, type: 'amended', ...e.payload };
    case 'kickoff.scheduled': return { ...base, type: 'kickoff-scheduled', ...e.payload };
    case 'contract.suspended': return { ...base, type: 'suspended', reason: e.payload.reason };
    case 'contract.resumed': return { ...base, type: 'resumed' };
    case 'contract.terminated': return { ...base, type: 'terminated', reason: e.payload.reason };
    case 'procedure.unsuccessful': return { ...base, type: 'unsuccessful', reason: e.payload.reason };
    case 'contract.awarded': return { ...base, type: 'awarded', award: e.payload };
    case 'supplier-review.submitted': return { ...base, type: 'review-submitted', ...e.payload };
    case 'insertion-hours.reported': return { ...base, type: 'hours-reported', ...e.payload };
    case 'consultation.published': return { ...base, type: 'noted', what: `Consultation publiée le ${e.payload.publishedOn}`, detail: e.payload };
    case 'bids.received': return { ...base, type: 'noted', what: `${e.payload.count} offre(s) reçue(s)`, detail: e.payload };
    case 'purchase-order.issued':
      return { ...base, type: 'noted', what: `Bon de commande ${e.payload.reference} émis`, detail: e.payload, tellPartner: true };
  }
}
