import type { Metadata } from "next";
import { AgentsList } from "@/components/agents/agents-list";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Agents · Parallel Run Studio" };

export default function AgentsPage() {
  return <AgentsList />;
}
