-- AlterTable
ALTER TABLE "PipelineRun" ADD COLUMN "regenerateOutputs" BOOLEAN NOT NULL DEFAULT false;
