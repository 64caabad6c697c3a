-- AlterTable
ALTER TABLE "Datastore" ADD COLUMN "archivedAt" DATETIME;

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN "archivedAt" DATETIME;

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN "archivedAt" DATETIME;
