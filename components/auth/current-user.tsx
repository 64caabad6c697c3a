"use client";

import { createContext, type ReactNode, useContext } from "react";
import { type CurrentUserJson, type Role, roleAtLeast } from "@/lib/contracts/auth";

const CurrentUser = createContext<CurrentUserJson | null>(null);

/** The signed-in user, from the layout (which has it from proxy.ts): pages hide what the role cannot do. */
export function CurrentUserProvider({ user, children }: { user: CurrentUserJson | null; children: ReactNode }) {
  return <CurrentUser.Provider value={user}>{children}</CurrentUser.Provider>;
}

export const useCurrentUser = (): CurrentUserJson | null => useContext(CurrentUser);

/**
 * Whether the signed-in user's role allows an action needing `role`. Without a provider (component
 * tests, pages rendered outside the layout) everything is allowed: the server enforces roles anyway.
 */
export function useCan(role: Role): boolean {
  const user = useContext(CurrentUser);
  return user === null || roleAtLeast(user.role, role);
}

/** Renders its children only for users with at least `role`. */
export function IfRole({ atLeast, children }: { atLeast: Role; children: ReactNode }) {
  return useCan(atLeast) ? children : null;
}
