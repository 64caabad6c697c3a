import type { ClusterDeps } from "../cluster/dispatch";
import { ClusterKeys } from "../cluster/keys";
import { openRedis } from "../cluster/redis";
import type { ClusterEnv } from "../env";

let shared: { url: string; deps: ClusterDeps } | undefined;

/** The process's Redis connection and key prefix in the multi-machine mode (REDIS_URL), else undefined. */
export function clusterDeps(env: ClusterEnv | undefined, name = "prs-studio"): ClusterDeps | undefined {
  if (!env) return undefined;
  if (shared?.url !== `${env.redisUrl} ${env.queuePrefix}`) {
    shared = { url: `${env.redisUrl} ${env.queuePrefix}`, deps: { redis: openRedis(env.redisUrl, name), keys: new ClusterKeys(env.queuePrefix) } };
  }
  return shared.deps;
}
