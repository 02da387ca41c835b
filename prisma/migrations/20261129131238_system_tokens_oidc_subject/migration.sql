-- AlterTable
ALTER TABLE "users" ADD COLUMN     "oidc_subject" TEXT;

-- CreateTable
CREATE TABLE "system_tokens" (
    "id" TEXT NOT NULL,
    "collectivity_id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "system_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "system_tokens_hash_key" ON "system_tokens"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "users_oidc_subject_key" ON "users"("oidc_subject");

