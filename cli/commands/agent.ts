import { resolve } from "node:path";
import { agentSettings } from "../../lib/cluster/agent-env";
import { runAgent } from "../../workers/agent";
import { parse } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs agent --pool <name> --server <url> [--processes N] [--work-dir DIR]
                                                run mini-batches of steps whose compute_target is <name> (needs REDIS_URL, and PRS_TOKEN or PRS_AGENT_SECRET)`;

export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    pool: { type: "string" },
    server: { type: "string" },
    processes: { type: "string" },
    "work-dir": { type: "string" },
  });
  const settings = agentSettings(
    { pool: values.pool, server: values.server, processes: values.processes, workDir: resolve(values["work-dir"] ?? "prs-agent") },
    process.env,
  );
  await runAgent(settings, (line) => print(`[${new Date().toISOString()}] ${line}`));
  return EXIT.ok;
}
