// The ledger's entries of a period (for /usage): today, or every day of this month so far,
// in the policy's time zone.
import { afterEach, describe, expect, it } from "vitest";
import type { SpendRequest } from "../../src/policy/ledger.js";
import type { Policy } from "../../src/policy/policy.js";
import { STORE_BACKENDS } from "../support/postgres.js";
import { closeLedgerStores, GUILD, ledgerOn, ledgerSetup, spendJob } from "./ledger-support.js";
import { policy } from "./support.js";

const OTHER_GUILD = "100000000000000009";

afterEach(closeLedgerStores);

function setup(p: Policy, start: string) {
  const s = ledgerSetup(p, { start: Date.parse(start) });
  const spend = (id: string, over: Partial<SpendRequest> = {}) => spendJob(s, id, over);
  return { ...s, spend };
}

for (const backend of STORE_BACKENDS) {
  backend.describe(`on ${backend.name}`, () => {
    ledgerOn(backend);

    describe("the ledger's entries of a period", () => {
      it("today and this month: every day of the month so far, oldest first, one guild only", async () => {
        const s = setup(policy("timezone: UTC"), "2026-11-30T23:00:00Z");
        await s.spend("last-month");
        s.clock.now = Date.parse("2026-12-01T00:30:00Z");
        await s.spend("first-day");
        s.clock.now = Date.parse("2026-12-02T10:00:00Z");
        await s.spend("other-guild", { guildId: OTHER_GUILD });
        s.clock.now = Date.parse("2026-12-02T16:00:00Z");
        await s.spend("today-1");
        await s.spend("today-2", { kind: "video" });

        const today = await s.ledger.entriesOf(GUILD, "today");
        expect(today.map((e) => e.jobId)).toEqual(["today-1", "today-2"]);
        const month = await s.ledger.entriesOf(GUILD, "month");
        expect(month.map((e) => e.jobId)).toEqual(["first-day", "today-1", "today-2"]);
        expect(month.map((e) => e.credits)).toEqual([1, 1, 8]);
        expect((await s.ledger.entriesOf(OTHER_GUILD, "month")).map((e) => e.jobId)).toEqual([
          "other-guild",
        ]);
      });

      it("counts the days of the policy's time zone (Tokyo's December began at 15:00 UTC)", async () => {
        const s = setup(policy("timezone: Asia/Tokyo"), "2026-11-30T14:59:00Z");
        await s.spend("november-in-tokyo");
        s.clock.now = Date.parse("2026-11-30T15:00:00Z");
        await s.spend("december-in-tokyo");
        const days = s.ledger.daysOfMonth();
        expect(days.map((d) => new Date(d).toISOString())).toEqual(["2026-11-30T15:00:00.000Z"]);
        s.clock.now = Date.parse("2026-12-03T01:00:00Z");
        expect(s.ledger.daysOfMonth()).toHaveLength(3);
        const month = await s.ledger.entriesOf(GUILD, "month");
        expect(month.map((e) => e.jobId)).toEqual(["december-in-tokyo"]);
        // 2026-12-03T01:00Z is Dec 3 in Tokyo: nothing today.
        expect(await s.ledger.entriesOf(GUILD, "today")).toEqual([]);
      });

      it("a refunded job stays listed, at 0 credits, its price kept as charged", async () => {
        const s = setup(policy("timezone: UTC"), "2026-12-02T16:00:00Z");
        await s.spend("failed-job");
        await s.ledger.refund("failed-job");
        expect(await s.ledger.entriesOf(GUILD, "today")).toEqual([
          expect.objectContaining({ jobId: "failed-job", credits: 0, charged: 1, state: "failed" }),
        ]);
      });
    });
  });
}
