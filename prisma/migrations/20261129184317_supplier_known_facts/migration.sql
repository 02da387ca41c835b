-- AlterTable
ALTER TABLE "suppliers" ADD COLUMN     "commune" TEXT,
ALTER COLUMN "name" DROP NOT NULL,
ALTER COLUMN "size" DROP NOT NULL,
ALTER COLUMN "social_status" DROP NOT NULL,
ALTER COLUMN "departement" DROP NOT NULL;

