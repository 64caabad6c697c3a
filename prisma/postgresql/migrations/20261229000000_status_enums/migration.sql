-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'cancelling', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('pending', 'planning', 'running', 'completed', 'failed', 'cancelled', 'reused');

-- CreateEnum
CREATE TYPE "MiniBatchStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed');

-- AlterTable
ALTER TABLE "PipelineRun" ALTER COLUMN "status" TYPE "RunStatus" USING ("status"::"RunStatus");

-- AlterTable
ALTER TABLE "StepRun" ALTER COLUMN "status" TYPE "StepStatus" USING ("status"::"StepStatus");

-- AlterTable
ALTER TABLE "MiniBatch" ALTER COLUMN "status" TYPE "MiniBatchStatus" USING ("status"::"MiniBatchStatus");
