import { describe, expect, it } from "vitest";
import { spendRefusal } from "../../src/discord/owners.js";

const ALICE = "1302244873065467906";
const BOB = "1302244873065467907";

describe("spendRefusal", () => {
  it("lets the owner spend, whichever record names them", () => {
    expect(spendRefusal({ stored: ALICE, keyed: ALICE }, ALICE)).toBeNull();
    expect(spendRefusal({ stored: ALICE }, ALICE)).toBeNull();
    expect(spendRefusal({ keyed: ALICE }, ALICE)).toBeNull();
    expect(spendRefusal({ madeBy: ALICE }, ALICE)).toBeNull();
  });

  it("refuses anyone else, naming the owner", () => {
    for (const records of [{ stored: ALICE }, { keyed: ALICE }, { madeBy: ALICE }]) {
      expect(spendRefusal(records, BOB)).toBe(
        `Only <@${ALICE}> can use the buttons on this result. Start your own with /imagine.`,
      );
    }
  });

  it("refuses everyone when no record is left", () => {
    for (const user of [ALICE, BOB]) {
      expect(spendRefusal({}, user)).toMatch(/owner of this result is no longer known/);
    }
  });

  it("refuses everyone when the records disagree", () => {
    expect(spendRefusal({ stored: ALICE, keyed: BOB }, BOB)).toMatch(
      new RegExp(`Only <@${ALICE}>`),
    );
    expect(spendRefusal({ stored: ALICE, keyed: BOB }, ALICE)).not.toBeNull();
  });

  it("believes the message's maker only when neither the store nor the key names anyone", () => {
    expect(spendRefusal({ keyed: ALICE, madeBy: BOB }, ALICE)).toBeNull();
    expect(spendRefusal({ keyed: ALICE, madeBy: BOB }, BOB)).not.toBeNull();
  });
});
