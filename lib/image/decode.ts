import { invalid } from "../errors";
import { decodeJpeg } from "./jpeg-decode";
import { decodePng, PNG_SIGNATURE } from "./png-decode";
import type { DecodedImage } from "./types";

export type { DecodedImage } from "./types";

/**
 * Decodes a PNG or JPEG by its content (not its extension). `name` is used in error messages,
 * so a bad file is reported by name: "<name>: not a PNG or JPEG image", "<name>: corrupt PNG: …".
 */
export function decodeImage(bytes: Uint8Array, name: string): DecodedImage {
  if (startsWith(bytes, PNG_SIGNATURE)) return decodePng(bytes, name);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return decodeJpeg(bytes, name);
  throw invalid(`${name}: not a PNG or JPEG image`);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
