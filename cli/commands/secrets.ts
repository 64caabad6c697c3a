import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { rotateSecretKey } from "../../lib/server/rotate-key";
import { parse } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs secrets rotate-key [--new-key <base64>]   re-encrypt every stored secret under a new key (stop the server and workers first)`;

/** `prs secrets rotate-key`: the new key is generated into the data folder, or given (required with PRS_SECRET_KEY). */
export async function secretsCommand(sub: string | undefined, argv: string[]): Promise<number> {
  if (sub !== "rotate-key") throw invalid("use: prs secrets rotate-key [--new-key <base64>]");
  const { values } = parse(argv, { "new-key": { type: "string" } });
  const result = await rotateSecretKey(await appContext(), values["new-key"]);
  const where = result.keyFile ? `the new key is in ${result.keyFile}` : "set PRS_SECRET_KEY to the new key before the next start";
  print(`re-encrypted ${result.rotated} stored secret${result.rotated === 1 ? "" : "s"}; ${where}; restart the server and worker pool`);
  return EXIT.ok;
}
