// Who may spend on a result: its buttons, and the forms they open. The operator pays for
// every press, so only the member a result belongs to spends on it, and only while that is
// known. The records: the store's job, the owner the bot wrote into the custom_id, and, for
// keys made before owners were written into them, the member whose interaction made the
// message. Records that disagree, or none at all, refuse the spend. Pure.
import { en, type Texts } from "./lang/en.js";

export interface OwnerRecords {
  /** The owner of the store's job for the result's task. */
  stored?: string | undefined;
  /** The owner written into the custom_id. */
  keyed?: string | undefined;
  /** The member whose interaction made the message (Discord's interaction metadata). */
  madeBy?: string | undefined;
}

/** The words refusing `userId` a spend on the result, or null when the result is theirs. */
export function spendRefusal(records: OwnerRecords, userId: string, t: Texts = en): string | null {
  const named = new Set([records.stored, records.keyed].filter((id): id is string => !!id));
  if (named.size === 0 && records.madeBy) named.add(records.madeBy);
  const [owner] = named;
  if (!owner) {
    return t.presses.ownerUnknown;
  }
  if (named.size > 1 || owner !== userId) {
    return t.presses.onlyOwner(owner);
  }
  return null;
}
