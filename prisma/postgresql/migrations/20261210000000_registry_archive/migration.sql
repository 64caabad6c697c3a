-- AlterTable
ALTER TABLE "Datastore" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "archivedAt" TIMESTAMP(3);
