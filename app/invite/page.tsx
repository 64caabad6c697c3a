import { InviteForm } from "@/components/auth/invite-form";
import { describeInvite } from "@/lib/auth/invites";
import { appContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** An invite link, or the owner set-up link printed by npm start (an invite for the first admin). */
export default async function InvitePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  if (!token) return <InviteForm token="" inviteRole="viewer" owner={false} problem="This link has no token: copy the whole invite link." />;
  const { db } = await appContext();
  const invite = await describeInvite(db, token);
  return <InviteForm token={token} inviteRole={invite.role} owner={invite.owner} problem={invite.problem} />;
}
