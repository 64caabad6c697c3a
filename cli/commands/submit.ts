import { poolIsAlive } from "../../lib/engine/pool-heartbeat";
import { appContext } from "../../lib/server/context";
import { submitRun } from "../../lib/services/runs";
import { pairs, parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";
import { remoteNoPoolWarning, waitRemote } from "../remote/runs";
import { runLocallyOrWait } from "./wait-for-run";

export const help = `  prs submit <pipeline> [--experiment <name>] [--param name=value ...] [--version N] [--regenerate-outputs] [--wait]`;

export async function submitCommand(argv: string[], remote?: Remote): Promise<number> {
  const { values, positionals } = parse(argv, {
    experiment: { type: "string" },
    param: { type: "string", multiple: true },
    version: { type: "string" },
    wait: { type: "boolean", default: false },
    "regenerate-outputs": { type: "boolean", default: false },
  });
  const request = {
    pipeline: required(positionals[0], "pipeline name"),
    experiment: values.experiment,
    version: values.version ? Number(values.version) : undefined,
    parameters: pairs(values.param, "--param"),
    regenerateOutputs: values["regenerate-outputs"],
  };
  if (remote) {
    const run = await remote.api.submitRun({ body: request });
    print(`submitted run ${run.id} (experiment ${run.experimentName}) on ${remote.target.server}`);
    await remoteNoPoolWarning(remote);
    return values.wait ? waitRemote(remote, run.id) : EXIT.ok;
  }
  const ctx = await appContext();
  const run = await submitRun(ctx.db, ctx.env.dataDir, request);
  print(`submitted run ${run.id} (experiment ${run.experimentName})`);
  if (!values.wait) {
    if (!(await poolIsAlive(ctx.db))) print("no worker pool is running: start one with `npm start` or `prs worker`, or submit with --wait");
    return EXIT.ok;
  }
  return runLocallyOrWait(run.id);
}
