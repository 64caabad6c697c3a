-- AlterTable
ALTER TABLE "PipelineRun" ADD COLUMN     "leaseEpoch" INTEGER NOT NULL DEFAULT 0;
