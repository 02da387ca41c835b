import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes managers filter contracts by in the Temporal UI (name → Temporal type). */
export const SEARCH_ATTRIBUTES = {
  ContractId: 'Keyword',
  Collectivity: 'Keyword',
  Phase: 'Keyword',
  Buyer: 'Keyword',
  BuyingService: 'Keyword',
  Overdue: 'Bool',
} as const;

export const SA = {
  contractId: defineSearchAttributeKey('ContractId', SearchAttributeType.KEYWORD),
  collectivity: defineSearchAttributeKey('Collectivity', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('Phase', SearchAttributeType.KEYWORD),
  buyer: defineSearchAttributeKey('Buyer', SearchAttributeType.KEYWORD),
  buyingService: defineSearchAttributeKey('BuyingService', SearchAttributeType.KEYWORD),
  overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
};
