import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { lockEnvironment } from "@/lib/services/environments";

export const dynamic = "force-dynamic";

/** npm resolves the versions against the configured registry: a few seconds, nothing is stored. */
export const POST = handle(routes.lockEnvironment, async (_ctx, { body }) => lockEnvironment(body.dependencies));
