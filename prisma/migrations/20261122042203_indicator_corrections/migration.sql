-- AlterTable
ALTER TABLE "indicator_events" ADD COLUMN     "superseded_by" TEXT;

-- CreateIndex
CREATE INDEX "indicator_events_contract_id_indicator_year_idx" ON "indicator_events"("contract_id", "indicator", "year");

