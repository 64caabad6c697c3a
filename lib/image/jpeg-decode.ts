import jpeg from "jpeg-js";
import { errorMessage, invalid } from "../errors";
import type { DecodedImage } from "./types";

/** Decodes a baseline or progressive JPEG to 8-bit RGB (gray JPEGs come back as RGB too). */
export function decodeJpeg(bytes: Uint8Array, name: string): DecodedImage {
  try {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    if (image.data.length !== image.width * image.height * 3) throw new Error("decoder returned an unexpected pixel count");
    return { width: image.width, height: image.height, channels: 3, data: image.data };
  } catch (error) {
    throw invalid(`${name}: corrupt JPEG: ${errorMessage(error)}`);
  }
}
