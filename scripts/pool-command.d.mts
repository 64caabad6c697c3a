// Types of scripts/pool-command.mjs (a plain module run by scripts/start.mjs without a loader).
export declare const POOL_NODE_FLAGS: string[];
export declare const POOL_ENV: { MALLOC_ARENA_MAX: string };
export declare function poolCommand(root: string): { args: string[]; bundled: boolean };
