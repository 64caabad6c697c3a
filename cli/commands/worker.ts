import { appContext } from "../../lib/server/context";
import { runWorkerPool } from "../../workers/pool";
import { EXIT, print } from "../exit-codes";

export const help = `  prs worker                                    run the worker pool (npm start runs it with the web server)`;

export async function workerCommand(): Promise<number> {
  const ctx = await appContext();
  await runWorkerPool(ctx, { log: (l) => print(l) });
  return EXIT.ok;
}
