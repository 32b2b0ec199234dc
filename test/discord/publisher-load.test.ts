// The publisher under load, against the fake Discord over real HTTP with discord.js's REST:
// a final overtakes the progress edits of other jobs waiting for their turn; progress of
// many jobs shares one rate and still reaches every job; interaction webhook edits are not
// held to the bot-wide 50 a second while bot-token routes are; 429s lose nothing; results
// of many jobs are downloaded and uploaded side by side, a bounded number at once.

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Client, REST, Routes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createClient, createWebhookRest } from "../../src/discord/bot.js";
import { Presenter } from "../../src/discord/presenter.js";
import { Publisher } from "../../src/discord/publisher.js";
import { registerCommands } from "../../src/discord/registration.js";
import type { MessageView } from "../../src/discord/render.js";
import { type JobMessage, resultOf } from "../../src/jobs/job.js";
import { png } from "../e2e/pictures.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/index.js";
import { fixtureTask } from "../support/fixtures.js";
import { testJob } from "../support/jobs.js";

let fake: FakeDiscord | undefined;
let client: Client | undefined;
let pictures: Server | undefined;
afterEach(async () => {
  pictures?.close();
  pictures = undefined;
  await client?.destroy();
  await fake?.close();
  fake = undefined;
  client = undefined;
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function view(content: string): MessageView {
  return {
    content,
    embeds: [],
    components: [],
    files: [],
    allowed_mentions: { parse: [], users: [] },
  };
}

function botRest(f: FakeDiscord): REST {
  return new REST({ api: f.apiUrl }).setToken(f.botToken);
}

/** `count` messages in the channel, as jobs whose interaction token is gone would have. */
async function channelJobs(f: FakeDiscord, rest: REST, count: number): Promise<JobMessage[]> {
  const out: JobMessage[] = [];
  for (let i = 0; i < count; i++) {
    const created = (await rest.post(Routes.channelMessages(f.channelId), {
      body: { content: `job ${i}` },
    })) as { id: string };
    out.push({
      channelId: f.channelId,
      guildId: f.guildId,
      applicationId: f.applicationId,
      interactionToken: null,
      tokenIssuedAt: 0,
      messageId: created.id,
      attachmentSizeLimit: 10 * 1024 * 1024,
    });
  }
  return out;
}

/** `count` deferred interactions, as the bot leaves them before a job's first state. */
async function webhookJobs(f: FakeDiscord, count: number): Promise<JobMessage[]> {
  await registerCommands(commands, f.botToken, f.apiUrl, f.guildId);
  // A logged-in client, for the interactions to reach; the test answers them itself.
  client = createClient(f.apiUrl);
  await client.login(f.botToken);
  await f.waitForClient();
  const callbacks = new REST({ api: f.apiUrl });
  const out: JobMessage[] = [];
  for (let i = 0; i < count; i++) {
    const cmd = await f.runCommand("imagine", { prompt: `job ${i}` }, { user: "alice" });
    await callbacks.post(Routes.interactionCallback(cmd.id, cmd.token), {
      body: { type: 5 },
      auth: false,
    });
    out.push({
      channelId: f.channelId,
      guildId: f.guildId,
      applicationId: f.applicationId,
      interactionToken: cmd.token,
      tokenIssuedAt: Date.now(),
      messageId: null,
      attachmentSizeLimit: 10 * 1024 * 1024,
    });
  }
  return out;
}

const edits = (f: FakeDiscord, route: RegExp) =>
  f.requests.filter((r) => r.method === "PATCH" && route.test(r.path) && r.status === 200);

describe("the publisher under load", () => {
  it("a final overtakes the progress edits of other jobs that wait for their turn", async () => {
    fake = await startFakeDiscord();
    const rest = botRest(fake);
    const jobs = await channelJobs(fake, rest, 7);
    // One progress edit every two seconds for everyone: the others' progress has to wait.
    const publisher = new Publisher({
      rest,
      log: quiet,
      progressIntervalMs: 0,
      channelProgressPerSecond: 0.5,
    });
    const progress = (i: number) => `🎨 ${i} at 10%`;
    const shownProgress = jobs.map((message, i) =>
      publisher.show(`job-${i}`, message, view(progress(i)), false),
    );
    const sent = (text: string) =>
      fake?.requests.filter((r) => JSON.stringify(r.json).includes(text)).length ?? 0;
    await fake.waitFor(
      () => (publisher.progressWaiting === 6 && sent(progress(0)) === 1 ? true : undefined),
      { what: "one progress edit sent, six waiting for their turn" },
    );
    const last = jobs.length - 1;
    const requestsBefore = fake.requests.length;
    await publisher.show(`job-${last}`, jobs[last] as JobMessage, view("✅ done"), true);

    // The final went out at once, ahead of every progress edit that was waiting.
    const after = fake.requests.slice(requestsBefore);
    expect(after.map((r) => (r.json as { content?: string }).content)).toEqual(["✅ done"]);
    expect(publisher.progressWaiting).toBe(5);
    expect(fake.message(jobs[last]?.messageId ?? "")?.content).toBe("✅ done");

    // The others end too: their finals replace the progress still waiting, which is dropped.
    await Promise.all(
      jobs
        .slice(0, last)
        .map((message, i) => publisher.show(`job-${i}`, message, view(`✅ ${i}`), true)),
    );
    await Promise.all(shownProgress);
    for (const [i, message] of jobs.slice(0, last).entries()) {
      expect(fake.message(message.messageId ?? "")?.content).toBe(`✅ ${i}`);
    }
    expect(sent("at 10%")).toBe(1);
    expect(fake.violations).toEqual([]);
  });

  it("progress of many jobs shares one rate, and every job is shown", async () => {
    fake = await startFakeDiscord();
    const rest = botRest(fake);
    const jobs = await channelJobs(fake, rest, 30);
    const publisher = new Publisher({
      rest,
      log: quiet,
      progressIntervalMs: 0,
      channelProgressPerSecond: 10,
    });
    const started = Date.now();
    await Promise.all(
      jobs.map((message, i) => publisher.show(`job-${i}`, message, view(`🎨 ${i}`), false)),
    );
    const shown = edits(fake, /^\/channels\/\d+\/messages\/\d+$/);
    expect(shown).toHaveLength(30);
    // A second's worth (10) may go at once; the other 20 come at 10 a second: about 20 in
    // the first second, and the last one no sooner than after about two.
    expect(shown.filter((r) => r.at < started + 1000).length).toBeLessThanOrEqual(21);
    expect(Math.max(...shown.map((r) => r.at)) - started).toBeGreaterThanOrEqual(1800);
    for (const [i, message] of jobs.entries()) {
      expect(fake.message(message.messageId ?? "")?.content).toBe(`🎨 ${i}`);
    }
  });

  it("interaction webhook edits are not held to the bot-wide 50 a second; bot-token edits are", async () => {
    fake = await startFakeDiscord();
    const rest = botRest(fake);
    const count = 120;
    const hooks = await webhookJobs(fake, count);
    const webhookRest = createWebhookRest(fake.apiUrl);
    const publisher = new Publisher({ rest, webhookRest, log: quiet, progressIntervalMs: 0 });
    const hookStart = Date.now();
    await Promise.all(
      hooks.map((message, i) => publisher.show(`hook-${i}`, message, view(`✅ ${i}`), true)),
    );
    const hookEdits = edits(fake, /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/);
    expect(hookEdits).toHaveLength(count);
    expect(hookEdits.filter((r) => r.at < hookStart + 1000).length).toBeGreaterThan(50);

    // The same number of finals with the bot token: discord.js keeps them to 50 a second.
    const channel = await channelJobs(fake, rest, count);
    const channelStart = Date.now();
    await Promise.all(
      channel.map((message, i) => publisher.show(`chan-${i}`, message, view(`✅ ${i}`), true)),
    );
    const channelEdits = edits(fake, /^\/channels\/\d+\/messages\/\d+$/);
    expect(channelEdits).toHaveLength(count);
    expect(channelEdits.filter((r) => r.at < channelStart + 1000).length).toBeLessThanOrEqual(50);
    expect(fake.violations).toEqual([]);
  });

  it("429s on progress and finals: waited out, nothing lost", async () => {
    fake = await startFakeDiscord();
    const rest = botRest(fake);
    const jobs = await channelJobs(fake, rest, 8);
    const publisher = new Publisher({ rest, log: quiet, progressIntervalMs: 0 });
    fake.rateLimitNext({ match: /messages/, method: "PATCH", times: 6, retryAfterMs: 100 });
    await Promise.all(
      jobs.map((message, i) => publisher.show(`job-${i}`, message, view(`🎨 ${i}`), false)),
    );
    await Promise.all(
      jobs.map((message, i) => publisher.show(`job-${i}`, message, view(`✅ ${i}`), true)),
    );
    expect(fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    for (const [i, message] of jobs.entries()) {
      expect(fake.message(message.messageId ?? "")?.content).toBe(`✅ ${i}`);
    }
    expect(fake.violations).toEqual([]);
  });

  it("results of many jobs are delivered side by side, a bounded number at once", async () => {
    fake = await startFakeDiscord();
    const rest = botRest(fake);
    const jobs = await channelJobs(fake, rest, 16);
    // The proxy's picture host: slow, and counting how many downloads overlap.
    let now = 0;
    let most = 0;
    const picture = png(8, 8, [200, 60, 60]);
    pictures = createServer((_req, res) => {
      now += 1;
      most = Math.max(most, now);
      setTimeout(() => {
        now -= 1;
        res.writeHead(200, { "content-type": "image/png" }).end(picture);
      }, 150);
    }).listen(0, "127.0.0.1");
    await once(pictures, "listening");
    const { port } = pictures.address() as AddressInfo;
    const publisher = new Publisher({ rest, log: quiet, progressIntervalMs: 0 });
    const presenter = new Presenter(publisher, quiet, undefined, 4);
    const grid = resultOf(fixtureTask("task-imagine-success.json"));
    await Promise.all(
      jobs.map((message, i) =>
        presenter.show(
          testJob({
            id: `job-${i}`,
            taskId: `17543001123456${String(i).padStart(2, "0")}`,
            phase: "done",
            rank: 4,
            request: null,
            message,
            result: { ...grid, imageUrl: `http://127.0.0.1:${port}/grid-${i}.png` },
          }),
        ),
      ),
    );
    expect(most).toBe(4); // side by side, never more than four
    for (const message of jobs) {
      expect(fake.message(message.messageId ?? "")?.attachments).toHaveLength(1);
    }
    expect(fake.violations).toEqual([]);
  });
});
