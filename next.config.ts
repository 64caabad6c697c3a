import type { NextConfig } from "next";

const config: NextConfig = {
  // Native and WASM packages stay as Node requires instead of being bundled.
  serverExternalPackages: ["@prisma/adapter-libsql", "@libsql/client", "@prisma/adapter-pg", "pg", "onnxruntime-node", "@azure/storage-blob", "tsx"],
  typescript: { ignoreBuildErrors: false },
  poweredByHeader: false,
  // Parallel builds (e.g. two browser-test servers) each get their own output folder.
  distDir: process.env.PRS_NEXT_DIST ?? ".next",
};

export default config;
