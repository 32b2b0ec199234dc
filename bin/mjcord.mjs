// The launcher behind `npm start`, `npm run register` and `npm run simulator`: runs the
// JavaScript that tsc built into dist/, in this same process (no tsx, no esbuild, no second
// node). Before that, a cheap check (a few hundred stat calls) compares the newest mtime under
// src/ and commands/ (files and folders, so that a deleted or renamed file counts) and of
// package.json and the tsconfig files with the time the last build started, kept in
// dist/.stamp. Only when something is newer, or dist/ lacks the stamp or the entry, tsc runs
// (incrementally) before the import, so edited code is never run stale. A build that fails
// type-checking emits nothing and the launcher exits 1.
//
//   node bin/mjcord.mjs src/main.ts [args…]   build if stale, then run dist/src/main.js
//   node bin/mjcord.mjs --build               build if stale (`npm run build`; `npm ci` too)
//
// The project is the folder above the launcher as it was invoked (process.argv[1], not its
// real path), so a copy of the project made of symlinks builds into its own dist/.
import { spawn } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(dirname(process.argv[1] ?? "."), "..");
const dist = join(root, "dist");
const stampFile = join(dist, ".stamp");
const CONFIG = "tsconfig.build.json";
const STALE = "is older than the sources";
const WATCHED_DIRS = ["src", "commands"];
const WATCHED_FILES = ["package.json", "tsconfig.json", CONFIG];

function fail(message) {
  process.stderr.write(`mjcord: ${message}\n`);
  process.exit(1);
}

/** The newest mtime (ms) of the inputs of the build. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const name of [...WATCHED_DIRS, ...WATCHED_FILES]) visit(join(root, name));
  return newest;
}

/** When the last good build started (ms), or undefined when dist/ has no usable build. */
function stampTime() {
  try {
    const value = JSON.parse(readFileSync(stampFile, "utf8")).builtFrom;
    return typeof value === "number" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Runs tsc on tsconfig.build.json in a child process; signals to this one reach it. */
async function build(reason) {
  const startedAt = Date.now();
  let tsc;
  try {
    tsc = createRequire(join(root, "package.json")).resolve("typescript/lib/tsc.js");
  } catch {
    const missing = `dist/ ${reason}, and TypeScript (a dev dependency) is not installed to build it`;
    if (reason === STALE) {
      // `npm ci --omit=dev` with a dist/ shipped alongside: run it, and say so.
      process.stderr.write(`mjcord: ${missing}; running the build that is there\n`);
      return;
    }
    if (process.env.npm_lifecycle_event === "prepare") {
      // `npm ci --omit=dev`: the install goes on; dist/ is to be built where tsc is, or shipped.
      process.stderr.write(`mjcord: ${missing}; skipped\n`);
      process.exit(0);
    }
    fail(`${missing}: run \`npm ci\`, or \`npm run build\` where dev dependencies are installed`);
  }
  try {
    accessSync(existsSync(dist) ? dist : root, constants.W_OK);
  } catch {
    fail(`dist/ ${reason}, and ${dist} cannot be written: run \`npm run build\` as its owner`);
  }
  // Without a stamp, or with outputs gone, what is in dist/ is not to be trusted: tsc's
  // incremental record would name outputs that are not there. Start over. (A build that
  // fails or is cut short leaves the old stamp, older than the sources: still stale.)
  if (reason !== STALE) rmSync(join(dist, ".tsbuildinfo"), { force: true });
  process.stderr.write(`mjcord: dist/ ${reason}; compiling src/ and commands/ with tsc…\n`);
  // tsc's diagnostics go to stderr: stdout is the bot's log.
  const child = spawn(process.execPath, [tsc, "-p", join(root, CONFIG)], {
    cwd: root,
    stdio: ["ignore", 2, 2],
  });
  const forward = (signal) => child.kill(signal);
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, forward);
  const [code, signal] = await new Promise((done) => child.once("exit", (c, s) => done([c, s])));
  for (const s of signals) process.off(s, forward);
  if (signal) {
    process.kill(process.pid, signal); // ends this process as the signal would have
    process.exit(1);
  }
  if (code !== 0) fail("the build failed (tsc above); nothing was run");
  mkdirSync(dist, { recursive: true });
  writeFileSync(stampFile, `${JSON.stringify({ builtFrom: startedAt })}\n`);
  process.stderr.write(`mjcord: built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
}

/** Why dist/ must be (re)built before `output` runs, or undefined when it is fresh. */
function staleness(output) {
  const stamp = stampTime();
  if (stamp === undefined) return "has no build yet";
  if (output !== undefined && !existsSync(output)) return "lacks part of the build";
  if (newestInput() > stamp) return STALE;
  return undefined;
}

const [first, ...rest] = process.argv.slice(2);
if (first === "--build") {
  const why = staleness(undefined);
  if (why) await build(why);
  else process.stderr.write("mjcord: dist/ is up to date\n");
} else if (first?.endsWith(".ts")) {
  const output = join(dist, first.replace(/\.ts$/, ".js"));
  const why = staleness(output);
  if (why) await build(why);
  if (!existsSync(output)) fail(`${first} is not part of the build (${CONFIG})`);
  process.argv = [process.argv[0] ?? process.execPath, output, ...rest];
  await import(pathToFileURL(output).href);
} else {
  fail("usage: node bin/mjcord.mjs (src/<entry>.ts [args…] | --build)");
}
