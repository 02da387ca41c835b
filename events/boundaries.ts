/**
 * Collectivity boundaries on the Kafka write path: a registration must name a collectivity that has a policy, and
 * any other event must claim the collectivity that owns its contract. The reasons go to the dead-letter topic.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { contractWorkflowId } from '../domain/contract';
import { SA } from '../domain/search-attributes';
import type { ContractEventMessage } from '../schemas/contract-events';

export interface BoundaryDeps {
  client: Client;
  /** Collectivities with a policy (read on each registration: a new policy file needs no restart). */
  collectivities: () => Promise<string[]>;
  /** Contract → owning collectivity, known once read: a contract never changes collectivity. */
  owners: Map<string, string>;
}

const OWNERS_KEPT = 10_000;

/** Why this event crosses a boundary, in French; undefined when it stays inside its collectivity. */
export async function boundaryViolation(deps: BoundaryDeps, event: ContractEventMessage): Promise<string | undefined> {
  if (event.type === 'contract.registered') {
    const known = await deps.collectivities();
    if (known.includes(event.collectivity)) return undefined;
    return `collectivité inconnue : « ${event.collectivity} » n’a pas de politique SPASER (connues : ${known.join(', ')})`;
  }
  const owner = deps.owners.get(event.contractId) ?? (await contractCollectivity(deps.client, event.contractId));
  if (owner !== undefined && !deps.owners.has(event.contractId)) {
    if (deps.owners.size >= OWNERS_KEPT) deps.owners.delete(deps.owners.keys().next().value!);
    deps.owners.set(event.contractId, owner);
  }
  if (owner === undefined || owner === event.collectivity) return undefined; // unknown contract: the router says so
  return `l’événement se réclame de « ${event.collectivity} », mais le contrat ${event.contractId} appartient à « ${owner} »`;
}

/**
 * The collectivity of a contract's workflow, from its search attribute (set when it starts); undefined when no
 * such workflow exists. A workflow started elsewhere that has not yet run its first task throws: the consumer
 * retries the message.
 */
async function contractCollectivity(client: Client, contractId: string): Promise<string | undefined> {
  try {
    const described = await client.workflow.getHandle(contractWorkflowId(contractId)).describe();
    const owner = described.typedSearchAttributes.get(SA.collectivity);
    if (owner === undefined) throw new Error(`collectivité du contrat ${contractId} pas encore connue`);
    return owner;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
