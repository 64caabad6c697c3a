import type { OutputNodeData } from "@/lib/contracts/canvas";

export const outputDefaults = (): OutputNodeData => ({ datastore: "workspace", path: "" });
