import type { Metadata } from "next";
import { DataPage } from "@/components/data/data-page";

export const metadata: Metadata = { title: "Data & models · Parallel Run Studio" };

export default function DataRoute() {
  return <DataPage />;
}
