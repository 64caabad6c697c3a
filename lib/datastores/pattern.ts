import picomatch from "picomatch";
import { invalid } from "../errors";
import { normalizeDatastorePath, quotePath } from "./paths";

/** A compiled list() pattern: where to start looking and which paths belong. */
export interface ListPattern {
  /** Folder to start a walk at ("" = root). */
  baseDir: string;
  /** Static name prefix every match starts with (for blob listings). */
  prefix: string;
  /** Folder levels below baseDir a match can lie at (1 = files directly in baseDir). */
  maxDepth: number;
  /** A literal path that may name one file ("mnist/0.png" or a folder "mnist"). */
  literal?: string;
  matches(path: string): boolean;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;
/** ".." as one alternative of a brace or extglob group: "{..,a}/x", "@(..)/x". */
const PARENT_ALTERNATIVE = /(^|[/{,(|])\.\.($|[/},)|])/;

/**
 * Understands the three forms users write: a file ("mnist/0.png"), a folder ("mnist" or
 * "mnist/": everything below it) and a glob ("mnist/**\/*.png", matched with picomatch; dot files
 * included, as a folder listing includes them too).
 */
export function compileListPattern(pattern: string): ListPattern {
  const folderOnly = pattern.endsWith("/");
  const path = normalizeDatastorePath(pattern, { allowRoot: true });
  if (path === "") return { baseDir: "", prefix: "", maxDepth: Infinity, matches: () => true };

  const scan = picomatch.scan(path);
  if (scan.isGlob && PARENT_ALTERNATIVE.test(scan.glob)) {
    throw invalid(`path ${quotePath(pattern)} escapes the datastore root: '..' is not allowed, not even inside {...} or (...)`);
  }
  if (!scan.isGlob) {
    const below = `${path}/`;
    return {
      baseDir: path,
      prefix: folderOnly ? below : path,
      maxDepth: Infinity,
      literal: folderOnly ? undefined : path,
      matches: folderOnly ? (p) => p.startsWith(below) : (p) => p === path || p.startsWith(below),
    };
  }

  const baseDir = scan.base;
  const glob = scan.glob;
  const staticStart = glob.search(GLOB_CHARS);
  const literalHead = staticStart < 0 ? glob : glob.slice(0, staticStart);
  const isMatch = picomatch(path, { dot: true });
  const unbounded = glob.includes("**") || /[{}()]/.test(glob);
  return {
    baseDir,
    prefix: baseDir === "" ? literalHead : `${baseDir}/${literalHead}`,
    maxDepth: unbounded ? Infinity : glob.split("/").length,
    matches: (p) => isMatch(p),
  };
}
