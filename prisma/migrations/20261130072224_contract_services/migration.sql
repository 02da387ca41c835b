-- CreateIndex
CREATE INDEX "contracts_collectivity_id_buying_service_idx" ON "contracts"("collectivity_id", "buying_service");

