// Generates the Prisma clients (one per provider) when missing or older than the schema.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [join(root, "scripts/prisma-schemas.mjs")], { stdio: "inherit" });
for (const provider of ["sqlite", "postgresql"]) {
  const schema = join(root, "prisma", provider, "schema.prisma");
  const client = join(root, "lib/db/generated", provider, "client.ts");
  if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) continue;
  execFileSync(process.execPath, [join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", schema], {
    stdio: ["ignore", "ignore", "inherit"],
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  console.log(`generated Prisma client for ${provider}`);
}

// The bundled worker runtime (faster worker start-up); rebuilt every time, it takes well under a second.
execFileSync(process.execPath, [join(root, "scripts/build-workers.mjs")], { stdio: "inherit" });
