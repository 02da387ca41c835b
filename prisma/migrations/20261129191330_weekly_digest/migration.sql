-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'digested';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "mail_digest" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "mail_digests" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "week" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_until" TIMESTAMP(3),
    "message_id" TEXT,
    "smtp_response" TEXT,
    "items" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_digests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mail_digests_week_idx" ON "mail_digests"("week");

