/** Custom search attributes managers filter contracts by in the Temporal UI (name → Temporal type). */
export const SEARCH_ATTRIBUTES = {
  ContractId: 'Keyword',
  Collectivity: 'Keyword',
  Phase: 'Keyword',
  Buyer: 'Keyword',
  BuyingService: 'Keyword',
  Overdue: 'Bool',
} as const;
