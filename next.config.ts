import type { NextConfig } from "next";
import { BASELINE_SECURITY_HEADERS } from "./lib/http/security-headers";

const config: NextConfig = {
  // Native and WASM packages stay as Node requires instead of being bundled.
  serverExternalPackages: ["@prisma/adapter-libsql", "@libsql/client", "@prisma/adapter-pg", "pg", "onnxruntime-node", "@azure/storage-blob", "tsx"],
  typescript: { ignoreBuildErrors: false },
  poweredByHeader: false,
  // Parallel builds (e.g. two browser-test servers) each get their own output folder.
  distDir: process.env.PRS_NEXT_DIST ?? ".next",
  // On every response, static files and API routes included; pages get their own CSP from proxy.ts.
  headers: async () => [{ source: "/:path*", headers: BASELINE_SECURITY_HEADERS }],
};

export default config;
