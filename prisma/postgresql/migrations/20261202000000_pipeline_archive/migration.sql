-- AlterTable
ALTER TABLE "Pipeline" ADD COLUMN     "archivedAt" TIMESTAMP(3);
