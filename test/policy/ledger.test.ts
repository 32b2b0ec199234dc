import { afterEach, describe, expect, it } from "vitest";
import type { SpendRequest } from "../../src/policy/ledger.js";
import { UNLIMITED } from "../../src/policy/policy.js";
import { STORE_BACKENDS } from "../support/postgres.js";
import {
  ALICE,
  ask,
  CHANNEL,
  closeLedgerStores,
  GUILD,
  type LedgerSetup,
  ledgerOn,
  ledgerSetup,
  ledgerStoreUrl,
  NOW,
  spendJob,
} from "./ledger-support.js";
import { policy } from "./support.js";

const BOB = "300000000000000004";
const VIP = "400000000000000005";

afterEach(closeLedgerStores);

/** Reserves and commits one job per call; resolves with the job ids. */
async function spend(s: LedgerSetup, count: number, over: Partial<SpendRequest> = {}) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `job-${Math.random().toString(36).slice(2)}`;
    await spendJob(s, id, over);
    ids.push(id);
  }
  return ids;
}

for (const backend of STORE_BACKENDS) {
  backend.describe(`on ${backend.name}`, () => {
    ledgerOn(backend);

    describe("the ledger: limits", () => {
      it("daily: refuses the job that would pass the limit, saying used, left and the reset", async () => {
        const s = ledgerSetup(policy("members: { daily: 3 }\ncosts: { imagine: 1 }"));
        await spend(s, 2);
        const big = await s.ledger.reserve(ask({ kind: "video" }));
        expect(big).toEqual({
          ok: false,
          refusal: {
            reason: "daily",
            used: 2,
            limit: 3,
            left: 1,
            needed: 8,
            resetsAt: Date.parse("2026-12-03T00:00:00Z"),
          },
        });
        // A refusal costs nothing.
        expect(await s.ledger.used(GUILD, ALICE)).toEqual({ day: 2, month: 2 });
        expect((await s.ledger.usage(GUILD, ALICE, [])).inFlight).toBe(2);
        await spend(s, 1);
        const more = await s.ledger.reserve(ask());
        expect(more.ok).toBe(false);
        // Another member has their own day; tomorrow Alice has hers again.
        expect((await s.ledger.reserve(ask({ memberId: BOB }))).ok).toBe(true);
        s.clock.now = Date.parse("2026-12-03T00:00:01Z");
        expect((await s.ledger.reserve(ask({ now: s.clock.now }))).ok).toBe(true);
      });

      it("monthly, in the policy's time zone", async () => {
        const s = ledgerSetup(policy("timezone: Asia/Tokyo\nmembers: { monthly: 2 }"));
        await spend(s, 2);
        const r = await s.ledger.reserve(ask());
        expect(r).toMatchObject({
          ok: false,
          refusal: { reason: "monthly", used: 2, limit: 2, left: 0, needed: 1 },
        });
        if (!r.ok && r.refusal.reason === "monthly") {
          expect(new Date(r.refusal.resetsAt).toISOString()).toBe("2026-12-31T15:00:00.000Z");
        } else expect.unreachable();
      });

      it("relax costs half: the mode multiplies what is counted", async () => {
        const s = ledgerSetup(policy("members: { daily: 1 }"));
        await spend(s, 2, { mode: "relax" });
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(1);
        expect((await s.ledger.reserve(ask({ mode: "relax" }))).ok).toBe(false);
      });

      it("concurrent: jobs in flight; a job that ends frees its place", async () => {
        const s = ledgerSetup(policy("members: { concurrent: 2 }"));
        const [first] = await spend(s, 2);
        expect(await s.ledger.reserve(ask())).toEqual({
          ok: false,
          refusal: { reason: "concurrent", used: 2, limit: 2, left: 0, needed: 1 },
        });
        await s.ledger.finish(first as string);
        expect((await s.ledger.reserve(ask())).ok).toBe(true);
      });

      it("cooldown: between the starts of two jobs of one member", async () => {
        const s = ledgerSetup(policy("members: { cooldown_seconds: 60 }"));
        await spend(s, 1);
        s.clock.now = NOW + 59_000;
        expect(await s.ledger.reserve(ask({ now: s.clock.now }))).toEqual({
          ok: false,
          refusal: { reason: "cooldown", seconds: 60, resetsAt: NOW + 60_000 },
        });
        expect((await s.ledger.reserve(ask({ memberId: BOB, now: s.clock.now }))).ok).toBe(true);
        s.clock.now = NOW + 60_000;
        expect((await s.ledger.reserve(ask({ now: s.clock.now }))).ok).toBe(true);
      });

      it("the server budget: all members together", async () => {
        const s = ledgerSetup(policy("server: { daily: 3, monthly: 100 }"));
        await spend(s, 2);
        await spend(s, 1, { memberId: BOB });
        expect(await s.ledger.reserve(ask({ memberId: "300000000000000009" }))).toMatchObject({
          ok: false,
          refusal: { reason: "server_daily", used: 3, limit: 3, left: 0 },
        });
        // Another server has its own budget.
        expect((await s.ledger.reserve(ask({ guildId: "100000000000000099" }))).ok).toBe(true);
      });

      it("a role's more generous limit, a blocked role, channels, commands and modes", async () => {
        const s = ledgerSetup(
          policy(
            [
              "members: { daily: 1, modes: [relax], commands: [imagine] }",
              `roles: { "${VIP}": { daily: 5, modes: [fast] } }`,
              'blocked_roles: ["400000000000000006"]',
              `channels: ["${CHANNEL}"]`,
            ].join("\n"),
          ),
        );
        expect((await s.ledger.reserve(ask({ roleIds: [VIP] }))).ok).toBe(true);
        expect(await s.ledger.reserve(ask({ roleIds: [VIP, "400000000000000006"] }))).toEqual({
          ok: false,
          refusal: { reason: "blocked" },
        });
        expect(await s.ledger.reserve(ask({ channelId: "200000000000000077" }))).toEqual({
          ok: false,
          refusal: { reason: "channel", allowed: [CHANNEL] },
        });
        expect(
          (
            await s.ledger.reserve(
              ask({ channelId: "200000000000000077", parentChannelId: CHANNEL }),
            )
          ).ok,
        ).toBe(false); // refused: Alice (no role) may not use fast
        expect(
          await s.ledger.reserve(ask({ command: "video", kind: "video", mode: "relax" })),
        ).toEqual({
          ok: false,
          refusal: { reason: "command", command: "video", allowed: ["imagine"] },
        });
        expect(await s.ledger.reserve(ask({ mode: "turbo" }))).toEqual({
          ok: false,
          refusal: { reason: "mode", mode: "turbo", allowed: ["relax"] },
        });
        expect(await s.ledger.reserve(ask({ mode: "none" }))).toMatchObject({
          refusal: { reason: "mode", mode: "fast" },
        });
        expect(
          (
            await s.ledger.reserve(
              ask({
                memberId: BOB,
                channelId: "200000000000000077",
                parentChannelId: CHANNEL,
                mode: "relax",
              }),
            )
          ).ok,
        ).toBe(true);
      });

      it("without a policy nothing is refused, but every job is still counted", async () => {
        const s = ledgerSetup(UNLIMITED);
        await spend(s, 30, { kind: "video_hd" });
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(30 * 26);
        expect((await s.ledger.used(GUILD, "*")).month).toBe(30 * 26);
      });

      it("follows the policy in force at each call", async () => {
        const s = ledgerSetup(UNLIMITED);
        await spend(s, 3);
        s.set(policy("members: { daily: 3 }"));
        expect((await s.ledger.reserve(ask())).ok).toBe(false);
      });
    });

    describe("the ledger: all or nothing, giving back", () => {
      it("Imagine all: four jobs or none", async () => {
        const s = ledgerSetup(policy("members: { daily: 5, concurrent: 4 }"));
        await spend(s, 2);
        expect(await s.ledger.reserve(ask({ jobs: 4 }))).toMatchObject({
          ok: false,
          refusal: { reason: "concurrent", used: 2, needed: 4 },
        });
        const other = ledgerSetup(policy("members: { daily: 5 }"));
        await spend(other, 2);
        expect(await other.ledger.reserve(ask({ jobs: 4 }))).toMatchObject({
          ok: false,
          refusal: { reason: "daily", used: 2, left: 3, needed: 4 },
        });
        // Nothing of the refused four was spent.
        expect((await other.ledger.used(GUILD, ALICE)).day).toBe(2);
        const fresh = ledgerSetup(policy("members: { daily: 4 }"));
        const r = await fresh.ledger.reserve(ask({ jobs: 4 }));
        if (!r.ok) throw new Error("refused");
        expect(r.reservation.creditsPerJob).toBe(1);
        expect((await fresh.ledger.used(GUILD, ALICE)).day).toBe(4);
      });

      it("release gives back every credit, the place in flight and the cooldown's start", async () => {
        const s = ledgerSetup(
          policy("members: { daily: 1, concurrent: 1, cooldown_seconds: 600 }"),
        );
        const r = await s.ledger.reserve(ask());
        if (!r.ok) throw new Error("refused");
        expect((await s.ledger.reserve(ask())).ok).toBe(false);
        await s.ledger.release(r.reservation);
        await s.ledger.release(r.reservation); // twice: nothing more
        expect(await s.ledger.used(GUILD, ALICE)).toEqual({ day: 0, month: 0 });
        expect((await s.ledger.used(GUILD, "*")).day).toBe(0);
        expect((await s.ledger.reserve(ask())).ok).toBe(true);
      });

      it("a commit of fewer jobs than reserved gives the rest back", async () => {
        const s = ledgerSetup(policy("members: { daily: 10 }"));
        const r = await s.ledger.reserve(ask({ jobs: 4 }));
        if (!r.ok) throw new Error("refused");
        await s.ledger.commit(r.reservation, ["a", "b"]);
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(2);
        expect((await s.ledger.usage(GUILD, ALICE, [])).inFlight).toBe(2);
        await s.ledger.release(r.reservation); // after the commit: nothing more
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(2);
      });

      it("refund on FAILURE, a refusal or a cancel: once, into the period it was charged to", async () => {
        const s = ledgerSetup(policy("members: { daily: 2, concurrent: 5 }"));
        const [failed, refused] = (await spend(s, 2)) as [string, string];
        expect((await s.ledger.reserve(ask())).ok).toBe(false);
        const entry = await s.ledger.refund(failed, "failed");
        expect(entry).toMatchObject({ state: "failed", credits: 0, charged: 1 });
        await s.ledger.refund(failed, "failed");
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(1);
        // A refund the next day goes back to the day it was spent.
        s.clock.now = Date.parse("2026-12-03T01:00:00Z");
        await s.ledger.refund(refused, "refused");
        expect((await s.ledger.used(GUILD, ALICE, NOW)).day).toBe(0);
        expect(await s.ledger.refund("unknown")).toBeUndefined();
        // A job that succeeded keeps its price: a late refund call does nothing.
        s.clock.now = NOW;
        const [done] = (await spend(s, 1)) as [string];
        await s.ledger.finish(done);
        await s.ledger.refund(done, "cancelled");
        expect((await s.ledger.entry(done))?.state).toBe("succeeded");
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(1);
      });

      it("N simultaneous reserves at the edge of a limit never spend past it", async () => {
        const s = ledgerSetup(
          policy("members: { daily: 5, concurrent: 20 }\nserver: { daily: 7 }"),
        );
        await spend(s, 3);
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            s.ledger.reserve(ask({ memberId: i % 2 === 0 ? ALICE : BOB })),
          ),
        );
        const won = results.filter((r) => r.ok);
        expect(won).toHaveLength(4); // 2 more for Alice (5), then the server's 7
        expect((await s.ledger.used(GUILD, ALICE)).day).toBe(5);
        expect((await s.ledger.used(GUILD, "*")).day).toBe(7);
        const concurrent = ledgerSetup(policy("members: { concurrent: 3 }"));
        const flights = await Promise.all(
          Array.from({ length: 10 }, () => concurrent.ledger.reserve(ask({ jobs: 2 }))),
        );
        expect(flights.filter((r) => r.ok)).toHaveLength(1);
      });
    });

    describe("the ledger: entries", () => {
      it("writes an entry per job, kept in the store, with history and the day's list", async () => {
        const url = ledgerStoreUrl();
        const s = ledgerSetup(policy("members: { daily: 50 }"), { url });
        const r = await s.ledger.reserve(ask({ kind: "upscale", mode: "relax", command: null }));
        if (!r.ok) throw new Error("refused");
        await s.ledger.commit(r.reservation, ["job-1"]);
        const [second] = await spend(s, 1);
        await s.store.close();
        const again = ledgerSetup(policy("members: { daily: 50 }"), { url });
        expect(await again.ledger.entry("job-1")).toEqual({
          jobId: "job-1",
          guildId: GUILD,
          channelId: CHANNEL,
          memberId: ALICE,
          kind: "upscale",
          mode: "relax",
          credits: 0.5,
          charged: 0.5,
          state: "running",
          createdAt: NOW,
          updatedAt: NOW,
          dayStart: Date.parse("2026-12-02T00:00:00Z"),
          monthStart: Date.parse("2026-12-01T00:00:00Z"),
        });
        expect((await again.ledger.history(GUILD, ALICE)).map((e) => e.jobId)).toEqual([
          second,
          "job-1",
        ]);
        expect(
          (await again.ledger.entriesOfDay(GUILD, Date.parse("2026-12-02T00:00:00Z"))).map(
            (e) => e.jobId,
          ),
        ).toEqual(["job-1", second]);
        expect((await again.ledger.used(GUILD, ALICE)).day).toBe(1.5);
      });

      it("says where a member stands (for /info)", async () => {
        const s = ledgerSetup(policy("members: { daily: 10, monthly: 100, cooldown_seconds: 30 }"));
        await spend(s, 1, { kind: "video" });
        expect(await s.ledger.usage(GUILD, ALICE, [])).toMatchObject({
          day: { used: 8, limit: 10, left: 2, resetsAt: Date.parse("2026-12-03T00:00:00Z") },
          month: { used: 8, limit: 100, left: 92, resetsAt: Date.parse("2027-01-01T00:00:00Z") },
          inFlight: 1,
          cooldownEndsAt: NOW + 30_000,
        });
      });
    });
  });
}
