// @mcpg/console: the operators' web console. Its browser sources are in web/;
// this side builds them (esbuild, only when they changed) and hands the built
// files to the query API, which serves them.
export { CONSOLE_PATH, ensureConsoleBuilt, sourceDigest, type ConsoleManifest } from './build-console.ts';
export { loadConsole, type ConsoleBundle, type ConsoleFile } from './console-bundle.ts';
