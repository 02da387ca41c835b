-- CreateIndex
CREATE INDEX "contracts_collectivity_id_planned_award_date_id_idx" ON "contracts"("collectivity_id", "planned_award_date", "id");

