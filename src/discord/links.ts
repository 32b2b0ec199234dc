// Image links a member types (`image_url`): checked, then handed to the proxy exactly as
// typed; the bot never fetches them. The proxy does, so a link to a loopback, private,
// link-local or otherwise special address (or one with credentials in it) is refused: a proxy
// fetching it for a member would be a way into the operator's own network. The operator may
// allow private and loopback addresses (ALLOW_PRIVATE_IMAGE_URLS) for a proxy on their LAN.
import { lookup as dnsLookup } from "node:dns/promises";
import { type AddressKind, addressKind } from "./addresses.js";
import { en, type Texts } from "./lang/en.js";
import { tooLong } from "./prompts.js";

/** The longest image link taken: the slash option's own limit. */
export const LINK_MAX_LENGTH = 2000;
/** How long a link's host name may take to look up. */
const LOOKUP_TIMEOUT_MS = 2_000;

export type CheckedLink = { ok: true; url: string } | { ok: false; message: string };

/** The kinds of address a link may lead to; private and loopback only by the operator's leave. */
function allowed(kind: AddressKind, allowPrivate: boolean): boolean {
  return kind === "public" || (allowPrivate && (kind === "private" || kind === "loopback"));
}

function addressProblem(
  optionName: string,
  verb: "points to" | "leads to",
  address: string,
  kind: AddressKind,
  t: Texts,
): string {
  return t.inputs.privateAddress(optionName, verb === "leads to", address, kind);
}

/** `localhost` and every name under it, in any case, with or without the final dot. */
const isLocalhost = (host: string) => /(^|\.)localhost\.?$/i.test(host);

/**
 * A typed image link, checked from its text alone: http(s), not too long, no user name or
 * password, and no address or `localhost` that is not public. Passed on exactly as typed
 * (signed links must stay intact). A host name is checked by `checkImageHost`.
 */
export function checkImageUrl(
  text: string,
  optionName: string,
  allowPrivate: boolean,
  t: Texts = en,
): CheckedLink {
  const typed = text.trim();
  if (typed.length > LINK_MAX_LENGTH) {
    return { ok: false, message: tooLong(optionName, typed.length, LINK_MAX_LENGTH, t) };
  }
  const url = URL.canParse(typed) ? new URL(typed) : null;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    return { ok: false, message: t.inputs.notHttp(optionName) };
  }
  if (url.username !== "" || url.password !== "") {
    return { ok: false, message: t.inputs.credentials(optionName) };
  }
  // The parser has already turned 2130706433, 0x7f.1 and the like into 127.0.0.1.
  const host = url.hostname;
  const kind = isLocalhost(host) ? "loopback" : addressKind(host);
  if (kind && !allowed(kind, allowPrivate)) {
    return {
      ok: false,
      message: addressProblem(optionName, "points to", host.replace(/^\[|\]$/g, ""), kind, t),
    };
  }
  return { ok: true, url: typed };
}

/** Looks a host name up: every address it has. */
export type HostLookup = (host: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: HostLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface HostPolicy {
  allowPrivate: boolean;
  lookup?: HostLookup;
  timeoutMs?: number;
}

/**
 * Where a checked link's host name leads, looked up as the proxy would: every address must
 * be allowed. A name that cannot be found, or not in time, is refused too: only a link
 * known to lead somewhere public is handed on. (The proxy looks the name up again later; a
 * name that changes its answer in between is beyond what the bot can see.)
 */
export async function checkImageHost(
  link: string,
  optionName: string,
  policy: HostPolicy,
  t: Texts = en,
): Promise<string | null> {
  const host = new URL(link).hostname;
  if (addressKind(host) !== null || isLocalhost(host)) return null; // judged from the text
  const name = host.replace(/\.$/, "");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), policy.timeoutMs ?? LOOKUP_TIMEOUT_MS);
  });
  const answer = await Promise.race([
    (policy.lookup ?? systemLookup)(name).catch((error: unknown) => ({ error })),
    timeout,
  ]).finally(() => clearTimeout(timer));
  if (answer === "timeout") {
    return t.inputs.lookupSlow(optionName, name);
  }
  if ("error" in answer || answer.length === 0) {
    return t.inputs.lookupFailed(optionName, name);
  }
  for (const { address } of answer) {
    const kind = addressKind(address) ?? "reserved";
    if (!allowed(kind, policy.allowPrivate))
      return addressProblem(optionName, "leads to", address, kind, t);
  }
  return null;
}
