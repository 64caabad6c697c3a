import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { CurrentUserProvider } from "@/components/auth/current-user";
import { UserMenu } from "@/components/auth/user-menu";
import { NavLinks } from "@/components/layout/nav-links";
import { Providers } from "@/components/providers";
import { pageUser } from "@/lib/http/page-user";
import "./globals.css";

export const metadata: Metadata = {
  title: "Parallel Run Studio",
  description: "Batch inference with ParallelRunStep semantics, self-hosted",
  icons: { icon: "/favicon.svg" },
};

const nav = [
  { href: "/pipelines", label: "Pipelines" },
  { href: "/runs", label: "Runs" },
  { href: "/data", label: "Data & models" },
  { href: "/agents", label: "Agents" },
];

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: its scripts must carry the CSP nonce proxy.ts draws for it.
  await connection();
  // Verified by proxy.ts; absent on the public pages (sign-in, invite).
  const user = await pageUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <header className="flex items-center gap-6 border-b border-slate-200 bg-white px-6 py-3">
          <a href="/" className="font-semibold">
            Parallel Run Studio
          </a>
          {user ? (
            <nav aria-label="Main" className="flex gap-4 text-sm">
              <NavLinks items={nav} />
            </nav>
          ) : null}
          {user ? <UserMenu user={user} /> : null}
        </header>
        <Providers>
          <CurrentUserProvider user={user}>
            <main id="main" className="mx-auto max-w-7xl px-6 py-6">
              {children}
            </main>
          </CurrentUserProvider>
        </Providers>
      </body>
    </html>
  );
}
