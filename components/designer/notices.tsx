"use client";

import { type HTMLAttributes, type ReactNode, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice as MessageBox } from "@/components/ui/notice";
import type { useDraftSaving } from "./use-draft-saving";

/** A passing message from an action on the canvas or the toolbar: a refused connection, a publish result. */
export interface Notice {
  kind: "info" | "error";
  text: string;
  link?: { href: string; label: string };
}

/** Long enough to read a sentence or two; an error stays a little longer. Pointing at or focusing a notice holds it. */
export const NOTICE_MS = { info: 6_000, error: 10_000 } as const;

/**
 * Messages floating over the bottom of the canvas, away from where nodes are dropped, so they never
 * push it down. Passing notices dismiss themselves; a save conflict and a failed save stay until
 * acted on (Reload, Keep my version, Save).
 */
export function DesignerNotices(props: {
  saving: ReturnType<typeof useDraftSaving>;
  notice: Notice | undefined;
  onDismiss: (notice: Notice) => void;
  onReload: () => void;
}) {
  const { saving, notice } = props;
  return (
    <div className="pointer-events-none absolute inset-x-0 bottom-3 z-20 mx-auto flex w-[min(32rem,calc(100%-2rem))] flex-col gap-2">
      {saving.conflict ? (
        <Floating>
          <MessageBox tone="warning">
            <span>{saving.conflict.message}</span>
            <Button onClick={props.onReload}>Reload</Button>
            <Button onClick={() => void saving.overwrite()}>Keep my version</Button>
          </MessageBox>
        </Floating>
      ) : null}
      {saving.error ? (
        <Floating>
          <MessageBox tone="error">Saving failed: {saving.error}</MessageBox>
        </Floating>
      ) : null}
      {notice ? <PassingNotice notice={notice} onDismiss={props.onDismiss} /> : null}
    </div>
  );
}

function Floating({ children, ...hold }: { children: ReactNode } & HTMLAttributes<HTMLDivElement>) {
  return (
    <div className="pointer-events-auto rounded shadow-md" {...hold}>
      {children}
    </div>
  );
}

function PassingNotice({ notice, onDismiss }: { notice: Notice; onDismiss: (notice: Notice) => void }) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => onDismiss(notice), NOTICE_MS[notice.kind]);
    return () => clearTimeout(timer);
  }, [notice, held, onDismiss]);
  return (
    <Floating onMouseEnter={() => setHeld(true)} onMouseLeave={() => setHeld(false)} onFocus={() => setHeld(true)} onBlur={() => setHeld(false)}>
      <MessageBox tone={notice.kind}>
        <span className="min-w-0 flex-1">{notice.text}</span>
        {notice.link ? (
          <a className="text-blue-700 underline" href={notice.link.href}>
            {notice.link.label}
          </a>
        ) : null}
        <button type="button" className="ml-auto text-xs" aria-label="Dismiss message" onClick={() => onDismiss(notice)}>
          ✕
        </button>
      </MessageBox>
    </Floating>
  );
}
