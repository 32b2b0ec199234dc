// Imports run one way (docs: DESIGN.md, "Imports run one way"): commands -> src/discord ->
// src/jobs, src/policy -> src/mj. Every .ts file under commands/ and src/ is read, and every
// import of another part of the bot (static, `export … from`, dynamic, `import("…")` types)
// is held to the rules of the part it is in. A failure names the file and the import.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

/** The parts of the bot, by where a file lives. */
type Part =
  | "commands"
  | "discord"
  | "jobs"
  | "policy"
  | "mj"
  | "http"
  | "simulator"
  | "config"
  | "log"
  | "root";

function partOf(path: string): Part | null {
  const rel = relative(ROOT, path).replaceAll("\\", "/");
  if (rel.startsWith("commands/")) return "commands";
  const [top, sub] = rel.split("/");
  if (top !== "src" || sub === undefined) return null;
  if (sub === "config.ts") return "config";
  if (sub === "log.ts") return "log";
  // The composition root and the scripts (bot, register, migrate-store) wire everything.
  if (sub.endsWith(".ts")) return "root";
  const parts: Part[] = ["discord", "jobs", "policy", "mj", "http", "simulator"];
  return parts.find((part) => part === sub) ?? null;
}

/** What each part may import of the bot (besides itself and node/npm packages). */
const MAY_IMPORT: Record<Part, readonly Part[]> = {
  // Slash commands speak only to the Discord adapter.
  commands: ["discord"],
  discord: ["jobs", "policy", "mj", "config", "log"],
  // The job lifecycle and the spending policy sit side by side, below Discord.
  jobs: ["policy", "mj", "config", "log"],
  policy: ["jobs", "mj", "config", "log"],
  // The proxy API knows nothing of jobs, policy or Discord.
  mj: ["config", "log"],
  // Health, metrics and the notify hook: the lifecycle, not Discord.
  http: ["jobs", "policy", "mj", "config", "log"],
  // The simulator stands alone (it is the tests' proxy); at most the proxy's types.
  simulator: ["mj"],
  // config.ts parses SHARD_IDS and masks DATABASE_URL with two pure helpers of src/jobs
  // (see ALLOWED below); otherwise it and log.ts import nothing of the bot.
  config: [],
  log: [],
  root: ["commands", "discord", "jobs", "policy", "mj", "http", "simulator", "config", "log"],
};

/** Single imports the part rules do not allow, each with its reason. */
const ALLOWED: Record<string, string> = {
  "src/config.ts -> src/jobs/shards.ts": "SHARD_IDS is parsed where the shard formula lives",
  "src/config.ts -> src/jobs/store-error.ts": "the DATABASE_URL password is masked there",
};

interface Import {
  specifier: string;
  /** `import type` / `export type`, or an `import("…")` type: nothing at run time. */
  typeOnly: boolean;
}

function importsOf(path: string): Import[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true
        : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The file a relative specifier names (`./x.js` is the source `./x.ts`). */
const target = (from: string, specifier: string) =>
  resolve(dirname(from), specifier.replace(/\.js$/, ".ts"));

const rel = (path: string) => relative(ROOT, path).replaceAll("\\", "/");

/** Every import that goes the wrong way, as `file -> import (why)`. */
function wrongWay(): string[] {
  const files = [...tsFiles(join(ROOT, "commands")), ...tsFiles(join(ROOT, "src"))];
  const wrong: string[] = [];
  for (const file of files) {
    const from = partOf(file);
    if (!from) continue;
    for (const { specifier, typeOnly } of importsOf(file)) {
      // node:, npm packages: anywhere.
      if (!specifier.startsWith(".")) continue;
      const to = target(file, specifier);
      const part = partOf(to);
      const edge = `${rel(file)} -> ${rel(to)}`;
      if (part === from || ALLOWED[edge]) continue;
      if (part === null) {
        wrong.push(`${edge}: outside commands/ and src/`);
      } else if (!MAY_IMPORT[from].includes(part)) {
        wrong.push(`${edge}: ${from} may not import ${part}`);
      } else if (from === "simulator" && !typeOnly) {
        wrong.push(`${edge}: the simulator may import only types of src/mj`);
      }
    }
  }
  return wrong;
}

describe("imports run one way", () => {
  it("commands -> src/discord -> src/jobs, src/policy -> src/mj, and nothing back", () => {
    expect(wrongWay()).toEqual([]);
  });

  it("the rules see every file and every kind of import", () => {
    const files = [...tsFiles(join(ROOT, "commands")), ...tsFiles(join(ROOT, "src"))];
    const parts = new Set(files.map(partOf));
    for (const part of Object.keys(MAY_IMPORT)) expect(parts, part).toContain(part);
    expect(files.filter((file) => partOf(file) === null).map(rel)).toEqual([]);
    const kinds = importsOf(join(ROOT, "src/discord/context.ts"));
    expect(kinds.some((i) => i.typeOnly && i.specifier === "../jobs/store.js")).toBe(true);
    // Every exception still exists (a stale one would hide nothing, but says something false).
    for (const edge of Object.keys(ALLOWED)) {
      const [from, to] = edge.split(" -> ") as [string, string];
      const targets = importsOf(join(ROOT, from)).map((i) =>
        rel(target(join(ROOT, from), i.specifier)),
      );
      expect(targets, edge).toContain(to);
    }
  });
});
