#!/usr/bin/env node
// Stand-in named by PRISMA_SCHEMA_ENGINE_BINARY so that `prisma generate` works offline.
console.error("The Prisma schema engine is not installed here; migrations are applied by `npm run db:migrate`.");
process.exit(1);
