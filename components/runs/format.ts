import type { RunStatus, StepStatus } from "@/lib/contracts/statuses";

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function durationBetween(start: string | null, end: string | null, now = Date.now()): number | undefined {
  if (!start) return undefined;
  return ((end ? Date.parse(end) : now) - Date.parse(start)) / 1000;
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "–";
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "–";
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const statusColor: Record<RunStatus | StepStatus, string> = {
  queued: "bg-slate-200 text-slate-800",
  running: "bg-blue-100 text-blue-800",
  planning: "bg-blue-100 text-blue-800",
  cancelling: "bg-amber-100 text-amber-800",
  cancelled: "bg-amber-100 text-amber-800",
  completed: "bg-green-100 text-green-800",
  reused: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  pending: "bg-slate-100 text-slate-600",
};

/** "just now", "5 min ago", "3 h ago", "2 days ago"; older than a week: the date. */
export function relativeTime(iso: string | Date | null, now = Date.now()): string {
  if (!iso) return "–";
  const at = typeof iso === "string" ? Date.parse(iso) : iso.getTime();
  const s = Math.round((now - at) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d} day${d === 1 ? "" : "s"} ago`;
  return new Date(at).toLocaleDateString();
}
