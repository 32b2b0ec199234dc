// Reads a policy file: YAML -> checked -> typed. Every problem is collected and named by key.
import { readFileSync } from "node:fs";
import { isMap, isScalar, parseDocument } from "yaml";
import { type Policy, PolicyError, policyOf } from "./policy.js";
import { type PolicyProblem, policySchema, problemsOf } from "./schema.js";

/** Reads and checks the file at `path`; throws PolicyError naming every problem. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "the file does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "the file cannot be read (permissions)"
          : `the file cannot be read (${(error as Error).message})`;
    throw new PolicyError(path, [{ key: "(file)", message: why }]);
  }
  return parsePolicy(text, path);
}

/** Checks the text of a policy file; `source` names it in messages. */
export function parsePolicy(text: string, source: string): Policy {
  // Big integers as BigInt: an unquoted id is then seen (and refused) rather than rounded.
  const doc = parseDocument(text, { intAsBigInt: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      source,
      doc.errors.map((e) => ({
        key: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "(file)",
        message: `not valid YAML: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const problems: PolicyProblem[] = [...unquotedRoleIds(doc.get("roles", true))];
  const raw = numbersOf(doc.toJS({ maxAliasCount: 100 }) ?? {});
  const quoted = quoteProblems(raw, []);
  problems.push(...quoted);
  const checked = policySchema.safeParse(raw);
  if (!checked.success) {
    const seen = new Set(problems.map((p) => p.key));
    for (const p of problemsOf(checked.error)) {
      if (!seen.has(p.key)) problems.push(p);
      seen.add(p.key);
    }
  }
  if (problems.length > 0 || !checked.success) throw new PolicyError(source, problems);
  return policyOf(checked.data, source);
}

const QUOTE_IT = "write the id in quotes; an unquoted number this big loses digits in YAML";

/** Role ids written as bare numbers (keys of `roles`): YAML reads them as numbers. */
function unquotedRoleIds(roles: unknown): PolicyProblem[] {
  if (!isMap(roles)) return [];
  const problems: PolicyProblem[] = [];
  for (const item of roles.items) {
    if (isScalar(item.key) && typeof item.key.value !== "string") {
      problems.push({
        key: `roles.${String(item.key.source ?? item.key.value)}`,
        message: QUOTE_IT,
      });
    }
  }
  return problems;
}

/** Whole numbers back to numbers, except those too big to be exact (ids without quotes). */
function numbersOf(value: unknown): unknown {
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(numbersOf);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersOf(v)]));
  }
  return value;
}

/** Numbers too big to be exact (ids written without quotes), anywhere in the file. */
function quoteProblems(value: unknown, path: string[]): PolicyProblem[] {
  if (typeof value === "bigint") return [{ key: path.join(".") || "(file)", message: QUOTE_IT }];
  if (Array.isArray(value)) return value.flatMap((v, i) => quoteProblems(v, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => quoteProblems(v, [...path, k]));
  }
  return [];
}
