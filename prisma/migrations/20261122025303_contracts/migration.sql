-- CreateEnum
CREATE TYPE "Nature" AS ENUM ('works', 'supplies', 'services', 'design');

-- CreateEnum
CREATE TYPE "ContractStatus" AS ENUM ('active', 'suspended', 'closed', 'terminated', 'unsuccessful');

-- CreateEnum
CREATE TYPE "SupplierSize" AS ENUM ('TPE', 'PME', 'ETI', 'GE');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('open', 'answered', 'unanswered', 'cancelled');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "collectivities" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "departement" TEXT NOT NULL,
    "region" TEXT NOT NULL,

    CONSTRAINT "collectivities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_versions" (
    "collectivity_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "valid_from" DATE NOT NULL,
    "checksum" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "loaded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("collectivity_id","version")
);

-- CreateTable
CREATE TABLE "contracts" (
    "id" TEXT NOT NULL,
    "collectivity_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "object" TEXT NOT NULL,
    "nature" "Nature" NOT NULL,
    "cpv" TEXT NOT NULL,
    "estimated_amount_ht" DECIMAL(14,2) NOT NULL,
    "awarded_amount_ht" DECIMAL(14,2),
    "procedure" TEXT NOT NULL,
    "lots" INTEGER NOT NULL DEFAULT 0,
    "duration_months" INTEGER NOT NULL,
    "planned_award_date" DATE NOT NULL,
    "notified_on" DATE,
    "start_date" DATE,
    "end_date" DATE,
    "recurring" BOOLEAN NOT NULL,
    "buying_service" TEXT NOT NULL,
    "buyer_name" TEXT NOT NULL,
    "buyer_email" TEXT NOT NULL,
    "manager_email" TEXT,
    "phase" TEXT NOT NULL,
    "status" "ContractStatus" NOT NULL,
    "policy_version" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "supplier_siret" TEXT,
    "social_considerations" TEXT[],
    "environmental_considerations" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "contracts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppliers" (
    "siret" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" "SupplierSize" NOT NULL,
    "social_status" TEXT NOT NULL,
    "departement" TEXT NOT NULL,
    "region" TEXT,

    CONSTRAINT "suppliers_pkey" PRIMARY KEY ("siret")
);

-- CreateTable
CREATE TABLE "partners" (
    "collectivity_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "involved_at" TEXT[],

    CONSTRAINT "partners_pkey" PRIMARY KEY ("collectivity_id","id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "year" INTEGER,
    "title" TEXT NOT NULL,
    "why" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "assignee_email" TEXT NOT NULL,
    "due_at" TIMESTAMP(3) NOT NULL,
    "status" "TaskStatus" NOT NULL,
    "answer" JSONB,
    "answered_by" TEXT,
    "answered_at" TIMESTAMP(3),
    "reminders" INTEGER NOT NULL DEFAULT 0,
    "escalated_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "policy_version" TEXT NOT NULL,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "indicator_events" (
    "id" TEXT NOT NULL,
    "collectivity_id" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "value" DECIMAL(14,2) NOT NULL,
    "in_denominator" BOOLEAN NOT NULL,
    "dimensions" JSONB,
    "policy_version" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indicator_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT[],
    "cc" TEXT[],
    "task_id" TEXT,
    "data" JSONB NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "sent_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "contracts_collectivity_id_phase_idx" ON "contracts"("collectivity_id", "phase");

-- CreateIndex
CREATE INDEX "contracts_buyer_email_idx" ON "contracts"("buyer_email");

-- CreateIndex
CREATE INDEX "tasks_assignee_email_status_idx" ON "tasks"("assignee_email", "status");

-- CreateIndex
CREATE INDEX "tasks_contract_id_idx" ON "tasks"("contract_id");

-- CreateIndex
CREATE INDEX "audit_entries_contract_id_at_idx" ON "audit_entries"("contract_id", "at");

-- CreateIndex
CREATE INDEX "indicator_events_collectivity_id_year_indicator_idx" ON "indicator_events"("collectivity_id", "year", "indicator");

-- CreateIndex
CREATE INDEX "notifications_status_created_at_idx" ON "notifications"("status", "created_at");

-- AddForeignKey
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_collectivity_id_fkey" FOREIGN KEY ("collectivity_id") REFERENCES "collectivities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_collectivity_id_fkey" FOREIGN KEY ("collectivity_id") REFERENCES "collectivities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_supplier_siret_fkey" FOREIGN KEY ("supplier_siret") REFERENCES "suppliers"("siret") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicator_events" ADD CONSTRAINT "indicator_events_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

