import { invalid } from "../errors";

/**
 * The thing a DELETE /api/{datasets,models}/<name>?version=N names: "name:N", or "name" for every
 * version ("name:N" in the path works too).
 */
export function versionedRefOf(name: string, version: string | undefined): string {
  if (version === undefined || version === "") return name;
  if (!/^[1-9][0-9]*$/.test(version)) throw invalid(`version '${version}' is not valid: use a version number such as 2`);
  if (name.includes(":")) throw invalid(`'${name}' already names a version: drop ?version= or the ':${name.split(":")[1]}'`);
  return `${name}:${version}`;
}
