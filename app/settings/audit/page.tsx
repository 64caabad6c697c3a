import { AuditLog } from "@/components/settings/audit-log";
import { pageUser } from "@/lib/http/page-user";
import { AdminOnly } from "../admin-only";

export const dynamic = "force-dynamic";

export default async function AuditPage() {
  if ((await pageUser())?.role !== "admin") return <AdminOnly />;
  return (
    <div className="space-y-4">
      <div className="flex items-baseline gap-4">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <a href="/settings" className="text-sm text-blue-700 hover:underline">
          Users and invites
        </a>
      </div>
      <AuditLog />
    </div>
  );
}
