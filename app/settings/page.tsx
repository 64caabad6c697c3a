import { InvitesCard, UsersCard } from "@/components/settings/users";
import { pageUser } from "@/lib/http/page-user";
import { AdminOnly } from "./admin-only";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  if ((await pageUser())?.role !== "admin") return <AdminOnly />;
  return (
    <div className="space-y-6">
      <div className="flex items-baseline gap-4">
        <h1 className="text-xl font-semibold">Settings</h1>
        <a href="/settings/audit" className="text-sm text-blue-700 hover:underline">
          Audit log
        </a>
      </div>
      <UsersCard />
      <InvitesCard />
    </div>
  );
}
