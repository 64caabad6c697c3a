import { headers } from "next/headers";
import type { CurrentUserJson } from "../contracts/auth";
import { USER_HEADER, userFromHeader } from "./page-auth";

/** The signed-in user of the page being rendered (proxy.ts verified it); null on public pages. */
export async function pageUser(): Promise<CurrentUserJson | null> {
  return userFromHeader((await headers()).get(USER_HEADER));
}
