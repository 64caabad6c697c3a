import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNextPath } from "@/lib/http/page-auth";
import { appContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { db } = await appContext();
  // Before the owner exists there is nobody to sign in: npm start printed the set-up link.
  if ((await db.user.count()) === 0) {
    return (
      <div className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-sm shadow-sm">
        <h1 className="text-lg font-semibold">Set up the owner account first</h1>
        <p className="mt-2 text-slate-600">
          This studio has no account yet. Open the one-time set-up link that <code>npm start</code> printed in its terminal; restart it for a new link.
        </p>
      </div>
    );
  }
  const { next } = await searchParams;
  if (next === "/sign-in") redirect("/sign-in");
  return <SignInForm next={safeNextPath(next)} />;
}
