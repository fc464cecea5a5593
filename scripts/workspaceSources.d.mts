import type { Plugin } from 'esbuild';

/** Every public import specifier of the workspace packages and the absolute path of its source. */
export declare const WORKSPACE_SOURCES: ReadonlyMap<string, string>;
/** Vite/vitest `resolve.alias` entries mapping each public specifier (exactly) to its source. */
export declare const workspaceSourceAliases: () => { find: RegExp; replacement: string }[];
/** An esbuild plugin resolving each public specifier to its source. */
export declare const workspaceSourcePlugin: () => Plugin;
