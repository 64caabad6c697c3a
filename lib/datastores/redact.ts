const REDACTED = "[redacted]";

/** Secret-looking parts of Azure strings: SAS signatures, account keys, whole SAS tokens. */
const SECRET_PATTERNS: RegExp[] = [
  /(sig=)[^&\s"';]+/gi,
  /(AccountKey=)[^;\s"']+/gi,
  /(SharedAccessSignature=)[^;\s"']+/gi,
  /(Authorization:?\s*"?SharedKey\s+[^:\s]+:)[^\s"']+/gi,
];

/**
 * Removes secrets from text meant for users or logs: every given secret (also URL-encoded) and
 * anything that looks like a signature or key.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), secret.replace(/^\?/, "")])) {
      if (form.length >= 4) out = out.split(form).join(REDACTED);
    }
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}
