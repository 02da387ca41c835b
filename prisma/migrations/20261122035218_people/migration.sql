-- CreateEnum
CREATE TYPE "Role" AS ENUM ('buyer', 'partner', 'manager');

-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'sending';

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lease_until" TIMESTAMP(3),
ADD COLUMN     "message_id" TEXT,
ADD COLUMN     "partner_id" TEXT,
ADD COLUMN     "smtp_response" TEXT;

-- CreateTable
CREATE TABLE "contract_partners" (
    "contract_id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "collectivity_id" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contract_partners_pkey" PRIMARY KEY ("contract_id","partner_id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "collectivity_id" TEXT NOT NULL,
    "partner_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "contract_partners_collectivity_id_partner_id_idx" ON "contract_partners"("collectivity_id", "partner_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens"("hash");

-- CreateIndex
CREATE INDEX "notifications_contract_id_idx" ON "notifications"("contract_id");

-- AddForeignKey
ALTER TABLE "contract_partners" ADD CONSTRAINT "contract_partners_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

