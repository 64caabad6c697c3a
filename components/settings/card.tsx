import type { ReactNode } from "react";

/** A titled white card of the settings and profile pages. */
export function SettingsCard({ title, description, actions, children }: { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white">
      <div className="flex items-start gap-4 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 className="font-medium">{title}</h2>
          {description ? <p className="mt-0.5 text-sm text-slate-600">{description}</p> : null}
        </div>
        {actions ? <div className="ml-auto">{actions}</div> : null}
      </div>
      <div className="px-4 py-3">{children}</div>
    </section>
  );
}

/** A secret shown once, with a copy button. */
export function ShownOnce({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" role="status">
      <p className="font-medium">{label}</p>
      <div className="mt-2 flex items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="shown-once">
          {value}
        </code>
        <button
          type="button"
          className="rounded border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-100"
          onClick={() => void navigator.clipboard?.writeText(value)}
        >
          Copy
        </button>
      </div>
      <p className="mt-2 text-xs text-amber-800">{note}</p>
    </div>
  );
}

export const when = (iso: string | null, never = "never"): string => (iso ? new Date(iso).toLocaleString() : never);
