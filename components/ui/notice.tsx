import type { ReactNode } from "react";

/** The message of a failed request or action, next to the control that started it; nothing without an error. */
export function ErrorText({ error }: { error: unknown }) {
  if (error === undefined || error === null || error === false || error === "") return null;
  return (
    <p role="alert" className="text-sm text-red-700">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

const tones = {
  error: "border-red-300 bg-red-50 text-red-800",
  warning: "border-amber-400 bg-amber-50",
  info: "border-slate-200 bg-slate-50",
} as const;

/** A boxed message above a page or panel: errors and warnings are alerts, information a status. */
export function Notice({ tone, children }: { tone: keyof typeof tones; children: ReactNode }) {
  return (
    <div role={tone === "info" ? "status" : "alert"} className={`flex flex-wrap items-center gap-2 rounded border p-2 text-sm ${tones[tone]}`}>
      {children}
    </div>
  );
}
