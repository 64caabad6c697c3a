import { ApiError } from "../lib/contracts/api/client";
import { databaseUnavailable, isDbUnavailable } from "../lib/db/retry";
import { AppError, invalid } from "../lib/errors";
import * as agent from "./commands/agent";
import * as dataset from "./commands/dataset";
import * as datastore from "./commands/datastore";
import * as deletion from "./commands/delete";
import * as environment from "./commands/environment";
import * as login from "./commands/login";
import * as model from "./commands/model";
import * as pipeline from "./commands/pipeline";
import * as run from "./commands/run";
import * as setup from "./commands/setup";
import * as secrets from "./commands/secrets";
import * as submit from "./commands/submit";
import * as testScript from "./commands/test-script";
import * as worker from "./commands/worker";
import { EXIT, exitWith, print } from "./exit-codes";
import { remoteTarget } from "./remote/config";
import { cliFailureOf, connect, type Remote } from "./remote/connection";

const HELP = `prs: Parallel Run Studio command line

${[login.help, setup.help, datastore.help, dataset.help, model.help, environment.help, deletion.help, pipeline.help, submit.help, run.help, testScript.help, worker.help, agent.help, secrets.help].join("\n")}

After prs login (or with PRS_SERVER and PRS_TOKEN set) datastore, dataset, model, pipeline, submit
and run go to that studio's API; without a login, or with --local, they work on the local data
folder. setup, worker, secrets and test-script are always local.
With --wait and no worker pool running, a local run is executed by this command.
Exit codes: 0 success, 1 run failed, 2 invalid input, 3 not found, 4 conflict, 5 cancelled,
6 configuration (DATABASE_URL, environment), 7 database or server unavailable (try again),
8 not signed in (token missing, revoked or expired: prs login again), 9 role too low.`;

/** Runs one command (cli/commands/<name>.ts); its exit code. */
async function main(args: string[]): Promise<number> {
  const local = args.includes("--local");
  const [command, sub, ...rest] = args.filter((a) => a !== "--local");
  // Commands that have an API route go to the signed-in server, if any.
  const remote = (): Remote | undefined => {
    const target = remoteTarget(local);
    return target ? connect(target) : undefined;
  };
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      print(HELP);
      return EXIT.ok;
    case "login":
      return login.loginCommand(sub ? [sub, ...rest] : rest);
    case "logout":
      return login.logoutCommand();
    case "whoami":
      return login.whoamiCommand(local);
    case "setup":
      return setup.setupCommand();
    case "datastore":
    case "dataset":
    case "model":
      if (sub === "delete") return deletion.deleteCommand(command, rest, remote());
      if (command === "datastore") return datastore.datastoreCommand(sub, rest, remote());
      return command === "dataset" ? dataset.datasetCommand(sub, rest, remote()) : model.modelCommand(sub, rest, remote());
    case "environment":
      return environment.environmentCommand(sub, rest);
    case "pipeline":
      return pipeline.pipelineCommand(sub, rest, remote());
    case "submit":
      return submit.submitCommand(sub ? [sub, ...rest] : rest, remote());
    case "run":
      return run.runCommand(sub, rest, remote());
    case "test-script":
      return testScript.testScriptCommand(sub ? [sub, ...rest] : rest);
    case "worker":
      return worker.workerCommand();
    case "agent":
      return agent.agentCommand(sub ? [sub, ...rest] : rest);
    case "secrets":
      return secrets.secretsCommand(sub, rest);
    default:
      throw invalid(`unknown command '${command}'; see prs help`);
  }
}

exitWith(main(process.argv.slice(2)), (caught) =>
  caught instanceof ApiError ? cliFailureOf(caught) : !(caught instanceof AppError) && isDbUnavailable(caught) ? databaseUnavailable(caught) : caught,
);
