import { z } from "zod";

/**
 * Who may do what. A role includes the ones below it: an admin can do what an editor can, an
 * editor what a viewer can.
 *  - viewer: read everything, watch runs, download outputs and logs;
 *  - editor: pipelines, datasets, models, entry scripts, runs;
 *  - admin: users, datastores and their secrets, settings.
 */
export const Role = z.enum(["viewer", "editor", "admin"]);
export type Role = z.infer<typeof Role>;

/** What a route requires: `public` needs nothing (sign-in, invite acceptance, health). */
export const Access = z.enum(["public", "viewer", "editor", "admin"]);
export type Access = z.infer<typeof Access>;

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export const roleAtLeast = (role: Role, required: Role): boolean => RANK[role] >= RANK[required];
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);
/** The roles a user with `role` may give a token: their own or lower. */
export const rolesUpTo = (role: Role): Role[] => Role.options.filter((r) => roleAtLeast(role, r));

/** The person behind a request, as the server and the pages see them. */
export const CurrentUserJson = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  /** How the request proved who it is. */
  via: z.enum(["session", "token"]),
});
export type CurrentUserJson = z.infer<typeof CurrentUserJson>;

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { error: "email is longer than 254 characters" })
  .regex(/^[^\s@]+@[^\s@]+$/, { error: "email must look like name@example.com" });
const Password = z.string().min(10, { error: "password must have at least 10 characters" }).max(200, { error: "password is longer than 200 characters" });

export const SignInRequest = z.object({ email: z.string().trim().toLowerCase().max(254), password: z.string().max(200) });
export type SignInRequest = z.infer<typeof SignInRequest>;

export const AcceptInviteRequest = z.object({
  token: z.string().min(1).max(200),
  email: Email,
  name: z.string().trim().min(1, { error: "name is empty" }).max(100, { error: "name is longer than 100 characters" }),
  password: Password,
});
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequest>;

export const UserJson = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  createdAt: z.string(),
});
export type UserJson = z.infer<typeof UserJson>;

export const UpdateUserRequest = z
  .object({ role: Role.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, { error: "give role or active" });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const InviteJson = z.object({
  id: z.string(),
  role: Role,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(["open", "accepted", "expired", "revoked"]),
  acceptedBy: z.string().nullable(),
});
export type InviteJson = z.infer<typeof InviteJson>;

export const CreateInviteRequest = z.object({
  role: Role,
  /** Days the link stays valid (default 7). */
  expiresInDays: z.number().int().min(1).max(90).optional(),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

/** A new invite: `url` carries the token and is shown once. */
export const CreatedInviteJson = InviteJson.extend({ url: z.string(), token: z.string() });
export type CreatedInviteJson = z.infer<typeof CreatedInviteJson>;

export const ApiTokenJson = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, to tell tokens apart. */
  prefix: z.string(),
  role: Role,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenJson = z.infer<typeof ApiTokenJson>;

export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1, { error: "name is empty" }).max(100, { error: "name is longer than 100 characters" }),
  /** Default: the user's role. Higher than the user's role is refused. */
  role: Role.optional(),
  /** Days until it stops working; without it the token works until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

/** A new token: `token` is the secret, shown this once and never again. */
export const CreatedApiTokenJson = ApiTokenJson.extend({ token: z.string() });
export type CreatedApiTokenJson = z.infer<typeof CreatedApiTokenJson>;

export const AuditEventJson = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.string().nullable(),
});
export type AuditEventJson = z.infer<typeof AuditEventJson>;

/** What the CLI and scripts send: `Authorization: Bearer prs_…`. */
export const API_TOKEN_PREFIX = "prs_";
/** The session cookie's name. */
export const SESSION_COOKIE = "prs_session";
