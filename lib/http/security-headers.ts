/**
 * Security headers. Every response carries the baseline (next.config.ts `headers()`); pages get
 * their own Content-Security-Policy from proxy.ts, with a fresh nonce that Next.js puts on every
 * script it renders (it reads the nonce back from the request's CSP header), so an injected
 * `<script>` does not run.
 */

const COMMON_DIRECTIVES = ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"];

export function pageContentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': the nonced framework scripts may load the page's chunks. React's dev build
    // rebuilds server error stacks with eval, so `next dev` needs 'unsafe-eval'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // Inline styles stay allowed: React Flow and the progress bars position with style
    // attributes, and the API reference page has its stylesheet inline. (A nonce here would make
    // browsers ignore 'unsafe-inline'.)
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    ...COMMON_DIRECTIVES,
  ].join("; ");
}

/** For everything that is not a page (JSON, CSV, SSE, static files): nothing may run. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = ["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self' data:", ...COMMON_DIRECTIVES].join("; ");

/**
 * On every response. Keys are lower case so that the page policy proxy.ts sets replaces this
 * one instead of being sent beside it.
 */
export const BASELINE_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "content-security-policy", value: NON_PAGE_CONTENT_SECURITY_POLICY },
  { key: "x-content-type-options", value: "nosniff" },
  { key: "x-frame-options", value: "DENY" },
  { key: "referrer-policy", value: "same-origin" },
];

/** A fresh nonce per page response: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
