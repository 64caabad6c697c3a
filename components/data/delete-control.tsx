"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { errorText } from "@/lib/contracts/api/client";
import type { Role } from "@/lib/contracts/auth";
import type { DeleteOutcomeJson } from "@/lib/contracts/designer-api";

/**
 * A Delete button with an in-page confirmation. A refusal (409: a pipeline version or an
 * unfinished run still uses it) is shown as the server worded it, naming who uses it.
 */
export function DeleteControl({
  what,
  remove: send,
  queryKey,
  onDeleted,
  role = "editor",
}: { what: string; remove: () => Promise<DeleteOutcomeJson>; queryKey: readonly string[]; onDeleted: (message: string) => void; role?: Role }) {
  const allowed = useCan(role);
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: send,
    onSuccess: (outcome) => {
      setConfirming(false);
      onDeleted(outcome.message);
      void client.invalidateQueries({ queryKey });
    },
  });
  if (!allowed) return null;
  if (!confirming) {
    return (
      <Button size="sm" className="ml-2" aria-label={`Delete ${what}`} onClick={() => setConfirming(true)}>
        Delete
      </Button>
    );
  }
  return (
    <span role="alertdialog" aria-label={`Delete ${what}?`} className="ml-2 inline-flex flex-wrap items-center gap-1">
      <span>Delete {what}? If finished runs used it, it is archived instead: hidden here, kept in their history.</span>
      <Button size="sm" variant="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
        Confirm delete
      </Button>
      <Button
        size="sm"
        onClick={() => {
          remove.reset();
          setConfirming(false);
        }}
      >
        Cancel
      </Button>
      {remove.error ? (
        <span role="alert" className="text-red-700">
          {errorText(remove.error)}
        </span>
      ) : null}
    </span>
  );
}

/** The last delete's outcome for a section ("deleted dataset 'mnist:1'"). */
export function useDeleteNotice() {
  const [notice, setNotice] = useState("");
  const view = notice ? (
    <p role="status" className="text-sm text-slate-700">
      {notice[0]!.toUpperCase() + notice.slice(1)}
    </p>
  ) : null;
  return { notice: view, onDeleted: setNotice };
}
