"use client";

import { api } from "@/lib/contracts/api/client";
import type { CurrentUserJson } from "@/lib/contracts/auth";

/** The header's right side: who is signed in (with role), their profile, Settings for admins, sign out. */
export function UserMenu({ user }: { user: CurrentUserJson }) {
  return (
    <div className="ml-auto flex items-center gap-4 text-sm">
      {user.role === "admin" ? (
        <a href="/settings" className="text-slate-600 hover:text-slate-900">
          Settings
        </a>
      ) : null}
      <a href="/profile" className="text-slate-600 hover:text-slate-900" title={user.email}>
        {user.name} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{user.role}</span>
      </a>
      <button
        type="button"
        className="text-slate-600 hover:text-slate-900"
        onClick={() => {
          // A session that already ended answers 401: the browser goes to sign-in either way.
          void api
            .signOut()
            .catch(() => undefined)
            .finally(() => window.location.assign("/sign-in"));
        }}
      >
        Sign out
      </button>
    </div>
  );
}
