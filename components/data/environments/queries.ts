"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/contracts/api/client";

export const environmentKeys = {
  list: ["environments"] as const,
  detail: (name: string) => ["environments", name] as const,
};

export const useEnvironments = () => useQuery({ queryKey: environmentKeys.list, queryFn: () => api.listEnvironments() });

export const useEnvironmentDetail = (name: string, enabled: boolean) =>
  useQuery({ queryKey: environmentKeys.detail(name), queryFn: () => api.showEnvironment({ params: { name } }), enabled });
