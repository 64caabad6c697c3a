import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { runThumbnail } from "@/lib/services/thumbnails";

export const dynamic = "force-dynamic";

/** A thumbnail of one input image, made on first request and kept with the run. */
export const GET = handle(routes.runThumbnail, async ({ db, access }, { params, query }) => {
  const png = await runThumbnail(db, access, params.runId, query.step, query.file);
  return new Response(new Uint8Array(png), { headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=86400" } });
});
