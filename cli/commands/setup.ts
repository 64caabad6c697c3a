import { appContext } from "../../lib/server/context";
import { ensureSample } from "../../samples/seed";
import { EXIT, print } from "../exit-codes";

export const help = `  prs setup                                     migrate the database and create the sample (MNIST) pipeline`;

export async function setupCommand(): Promise<number> {
  const ctx = await appContext();
  await ensureSample(ctx, (l) => print(l));
  print(`ready: data in ${ctx.env.dataDir}`);
  return EXIT.ok;
}
