/** A ledger journal as the API shows it (GET /cooperatives/:id/ledger). Types only: the seller center reads them too. */
export interface LedgerJournalView {
  id: string;
  kind: string;
  sourceType: string;
  sourceId: string;
  memo: string | null;
  createdAt: string;
  lines: Array<{ account: string; accountKind: string; debitVnd: number; creditVnd: number }>;
}
