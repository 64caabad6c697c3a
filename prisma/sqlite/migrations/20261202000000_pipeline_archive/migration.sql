-- AlterTable
ALTER TABLE "Pipeline" ADD COLUMN "archivedAt" DATETIME;
