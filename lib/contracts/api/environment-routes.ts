import { z } from "zod";
import { EnvironmentDetailJson, EnvironmentJson, LockEnvironmentRequest, LockedEnvironmentJson, RegisterEnvironmentRequest } from "../environment";
import { defineRoute } from "./route-def";

/** Registered environments (npm packages for entry scripts), spread into `routes`. */

const EnvironmentName = z.object({ name: z.string().meta({ description: "Environment name; 'name:N' names one version" }) });

export const environmentRoutes = {
  listEnvironments: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/environments",
    summary: "Registered environments (latest versions) with their packages and this machine's build state",
    response: z.object({ environments: z.array(EnvironmentJson) }),
  }),
  registerEnvironment: defineRoute({
    access: "editor",
    audit: "environment.register",
    method: "POST",
    path: "/api/environments",
    summary: "Register an environment version from package.json and package-lock.json (the same content as the latest version returns that version)",
    body: RegisterEnvironmentRequest,
    response: EnvironmentJson,
    status: 201,
  }),
  showEnvironment: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/environments/{name}",
    summary: "One environment version: its files, packages, build state and this machine's build log",
    params: EnvironmentName,
    response: EnvironmentDetailJson,
  }),
  lockEnvironment: defineRoute({
    access: "editor",
    method: "POST",
    path: "/api/environment-lock",
    summary: "Resolve dependencies (name -> version or range) to an exact package.json and its package-lock.json with npm; nothing is stored",
    body: LockEnvironmentRequest,
    response: LockedEnvironmentJson,
  }),
};
