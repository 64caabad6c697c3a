import { databaseUnavailable, isDbUnavailable } from "../lib/db/retry";
import { AppError, invalid } from "../lib/errors";
import * as dataset from "./commands/dataset";
import * as datastore from "./commands/datastore";
import * as deletion from "./commands/delete";
import * as model from "./commands/model";
import * as pipeline from "./commands/pipeline";
import * as run from "./commands/run";
import * as setup from "./commands/setup";
import * as secrets from "./commands/secrets";
import * as submit from "./commands/submit";
import * as testScript from "./commands/test-script";
import * as worker from "./commands/worker";
import { EXIT, exitCodeOf, print } from "./exit-codes";

const HELP = `prs: Parallel Run Studio command line

${[setup.help, datastore.help, dataset.help, model.help, deletion.help, pipeline.help, submit.help, run.help, testScript.help, worker.help, secrets.help].join("\n")}

With --wait and no worker pool running, the run is executed by this command.
Exit codes: 0 success, 1 run failed, 2 invalid input, 3 not found, 4 conflict, 5 cancelled,
6 configuration (DATABASE_URL, environment), 7 database unavailable (try again).`;

/** Runs one command (cli/commands/<name>.ts); its exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      print(HELP);
      return EXIT.ok;
    case "setup":
      return setup.setupCommand();
    case "datastore":
    case "dataset":
    case "model":
      if (sub === "delete") return deletion.deleteCommand(command, rest);
      if (command === "datastore") return datastore.datastoreCommand(sub, rest);
      return command === "dataset" ? dataset.datasetCommand(sub, rest) : model.modelCommand(sub, rest);
    case "pipeline":
      return pipeline.pipelineCommand(sub, rest);
    case "submit":
      return submit.submitCommand(sub ? [sub, ...rest] : rest);
    case "run":
      return run.runCommand(sub, rest);
    case "test-script":
      return testScript.testScriptCommand(sub ? [sub, ...rest] : rest);
    case "worker":
      return worker.workerCommand();
    case "secrets":
      return secrets.secretsCommand(sub, rest);
    default:
      throw invalid(`unknown command '${command}'; see prs help`);
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((caught: unknown) => {
    const error = !(caught instanceof AppError) && isDbUnavailable(caught) ? databaseUnavailable(caught) : caught;
    if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(exitCodeOf(error));
    }
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.internal);
  });
