// `prs agent` on its own: what bin/prs.mjs runs for the agent command, bundled by
// scripts/build-workers.mjs into .build/workers/agent.mjs so an agent starts without tsx compiling
// the whole CLI (bin/prs.mjs falls back to cli/main.ts through tsx when the bundle is stale).
import { agentCommand } from "../cli/commands/agent";
import { CliFailure, EXIT, exitCodeOf } from "../cli/exit-codes";
import { AppError } from "../lib/errors";

agentCommand(process.argv.slice(3))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof CliFailure) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(exitCodeOf(error));
    }
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.internal);
  });
