-- AlterTable
ALTER TABLE "indicator_events" ADD COLUMN     "buying_service" TEXT;


-- Backfill from the contracts (written by hand: the diff only adds the column).
UPDATE "indicator_events" e SET "buying_service" = c."buying_service" FROM "contracts" c WHERE c."id" = e."contract_id";
