// `prs agent` on its own: what bin/prs.mjs runs for the agent command, bundled by
// scripts/build-workers.mjs into .build/workers/agent.mjs so an agent starts without tsx compiling
// the whole CLI (bin/prs.mjs falls back to cli/main.ts through tsx when the bundle is stale).
import { agentCommand } from "../cli/commands/agent";
import { exitWith } from "../cli/exit-codes";

exitWith(agentCommand(process.argv.slice(3)));
