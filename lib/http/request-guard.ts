import { loadEnv } from "../env";

/**
 * What every request must pass before it reaches a page or a route, decided from its method and
 * headers alone (proxy.ts applies it; sign-in comes on top):
 * - its `Host` is a loopback name or the public URL's host, so that a DNS-rebinding page (a name
 *   of the attacker's that resolves to 127.0.0.1) cannot reach the studio: 421;
 * - a request that changes something comes from the studio's own pages: a cross-origin `Origin`
 *   or a cross-site `Sec-Fetch-Site` is refused with 403. Requests that carry neither (the CLI,
 *   curl, scripts) are not browsers' and pass.
 */

export interface GuardConfig {
  /** PRS_PUBLIC_URL's origin ("https://studio.example.com") when the studio is served under a public name. */
  publicOrigin?: string;
}

export interface GuardedRequest {
  method: string;
  pathname: string;
  headers: Headers;
}

export type GuardRefusal = { allowed: false; status: 403 | 421; message: string };
export type GuardVerdict = { allowed: true } | GuardRefusal;

const ALLOWED: GuardVerdict = { allowed: true };

/** Methods that only read; every other method changes something and must come from our own origin. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The names a browser only uses for this machine: a rebinding attacker cannot make a page's Host one of these. */
const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Health answers any Host: orchestrators probe it by the container's address (Kubernetes sends
 * `Host: <pod IP>:<port>`), and it tells nothing but "up" and the database kind.
 */
const HOST_EXEMPT_PATHS = new Set(["/api/health"]);

let cachedConfig: GuardConfig | undefined;

/** The server's guard settings, from its environment (read on first use; it does not change). */
export function serverGuardConfig(): GuardConfig {
  cachedConfig ??= { publicOrigin: loadEnv().publicOrigin };
  return cachedConfig;
}

export function guardRequest(req: GuardedRequest, config: GuardConfig): GuardVerdict {
  const header = req.headers.get("host");
  const host = normalizedHost(header);
  // Browsers always send Host (Node refuses HTTP/1.1 without one); only in-process calls lack it.
  if (header !== null && !HOST_EXEMPT_PATHS.has(req.pathname) && !(host && hostAllowed(host, config))) {
    return { allowed: false, status: 421, message: misdirectedMessage(header, config) };
  }
  if (SAFE_METHODS.has(req.method.toUpperCase())) return ALLOWED;
  return checkSameOrigin(req.headers, host, config);
}

/** The answer to a refused request, shaped like every API error ({ error, code }). */
export function refusalResponse(refusal: GuardRefusal): Response {
  return Response.json({ error: refusal.message, code: refusal.status === 421 ? "misdirected" : "forbidden" }, { status: refusal.status });
}

/** A Host header as `hostname[:port]` in lower case, or undefined when it is missing or not a plain host. */
export function normalizedHost(header: string | null): string | undefined {
  const value = header?.trim().toLowerCase();
  // Only host characters: no user info, path or spaces that URL parsing would quietly accept.
  if (!value || !/^[a-z0-9.\-[\]:]+$/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    return url.host === value || `${url.host}:80` === value ? value : undefined;
  } catch {
    return undefined;
  }
}

function hostnameOf(host: string): string {
  return new URL(`http://${host}`).hostname;
}

/**
 * The port does not matter: a rebinding page cannot choose our hostname, and a reverse proxy may
 * pass the public name with or without its port.
 */
function hostAllowed(host: string, config: GuardConfig): boolean {
  const hostname = hostnameOf(host);
  if (LOOPBACK_NAMES.has(hostname)) return true;
  return config.publicOrigin !== undefined && new URL(config.publicOrigin).hostname === hostname;
}

function misdirectedMessage(header: string, config: GuardConfig): string {
  const shown = `'${header.slice(0, 100)}'`;
  const fix = config.publicOrigin
    ? `open the studio at ${config.publicOrigin} (PRS_PUBLIC_URL)`
    : "open the studio at 127.0.0.1 or localhost, or set PRS_PUBLIC_URL to the address it is served under";
  return `This server does not answer to the Host ${shown}: ${fix}.`;
}

function checkSameOrigin(headers: Headers, host: string | undefined, config: GuardConfig): GuardVerdict {
  const fetchSite = headers.get("sec-fetch-site")?.toLowerCase();
  const origin = headers.get("origin");
  // "same-site" is another origin too (another port or subdomain of the same site).
  if (fetchSite === "cross-site" || fetchSite === "same-site") {
    return forbidden(`the browser marked it ${fetchSite} (Sec-Fetch-Site)`);
  }
  if (origin !== null && !isOwnOrigin(origin, host, config)) {
    return forbidden(`it comes from the page of another site (Origin ${origin.slice(0, 100)})`);
  }
  return ALLOWED;
}

function forbidden(why: string): GuardVerdict {
  return {
    allowed: false,
    status: 403,
    message: `Refused a request that changes data because ${why}: use the studio's own pages, the CLI or the API without a browser.`,
  };
}

/**
 * The public URL's origin exactly (its http twin is another origin), or, on a loopback name, the
 * origin the request was addressed to.
 */
function isOwnOrigin(origin: string, host: string | undefined, config: GuardConfig): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, opaque origins) and anything malformed
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (config.publicOrigin !== undefined && url.origin === config.publicOrigin) return true;
  return host !== undefined && LOOPBACK_NAMES.has(url.hostname) && url.host === withoutDefaultPort(host, url.protocol);
}

function withoutDefaultPort(host: string, protocol: string): string {
  const port = protocol === "https:" ? ":443" : ":80";
  return host.endsWith(port) ? host.slice(0, -port.length) : host;
}
