import { describe, expect, it } from "vitest";
import { discordRoute, Metrics, proxyEndpoint } from "../../src/http/metrics.js";

describe("Metrics", () => {
  it("keeps a registry of its own: two apps in one process count apart", async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.jobEnded("imagine", "succeeded");
    a.jobEnded("imagine", "succeeded");
    a.jobEnded("describe", "failed");
    b.jobEnded("imagine", "cancelled");
    const text = await a.text();
    expect(text).toContain('mjcord_jobs_total{kind="imagine",outcome="succeeded"} 2');
    expect(text).toContain('mjcord_jobs_total{kind="describe",outcome="failed"} 1');
    expect(text).not.toContain("cancelled");
    expect(await b.text()).toContain('mjcord_jobs_total{kind="imagine",outcome="cancelled"} 1');
    expect(text).toContain("mjcord_nodejs_eventloop_lag_seconds");
    expect(a.contentType).toMatch(/^text\/plain/);
  });

  it("counts proxy requests by endpoint and code, with their latency", async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.proxyRequest("/fast/mj/task/1234567/fetch", 200, 0.02);
    m.proxyRequest("/mj-fast/mj/task/abc/fetch?x=1", 200, 0.3);
    m.proxyRequest("/mj/submit/imagine", 429, 1.5);
    m.proxyRequest("/fast/mj/submit/imagine", null, 5);
    const text = await m.text();
    expect(text).toContain(
      'mjcord_proxy_requests_total{endpoint="/mj/task/:id/fetch",code="200"} 2',
    );
    expect(text).toContain(
      'mjcord_proxy_requests_total{endpoint="/mj/submit/imagine",code="429"} 1',
    );
    expect(text).toContain(
      'mjcord_proxy_requests_total{endpoint="/mj/submit/imagine",code="network"} 1',
    );
    expect(text).toContain(
      'mjcord_proxy_request_duration_seconds_bucket{le="0.05",endpoint="/mj/task/:id/fetch"} 1',
    );
    expect(text).toContain(
      'mjcord_proxy_request_duration_seconds_count{endpoint="/mj/submit/imagine"} 2',
    );
  });

  it("counts credits, final latencies and Discord answers; odd values are left out", async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.creditsSpent(2.5);
    m.creditsSpent(0);
    m.creditsSpent(Number.NaN);
    m.finalShown(0.4);
    m.finalShown(-1);
    m.discordRequest("PATCH", "/webhooks/:id/:token/messages/@original", 200);
    m.discordRateLimited("/channels/:id/messages", "user");
    const text = await m.text();
    expect(text).toContain("mjcord_credits_spent_total 2.5");
    expect(text).toContain("mjcord_final_message_latency_seconds_count 1");
    expect(text).toContain(
      'mjcord_discord_requests_total{method="PATCH",route="/webhooks/:id/:token/messages/@original",status="200"} 1',
    );
    expect(text).toContain(
      'mjcord_discord_rate_limits_total{route="/channels/:id/messages",scope="user"} 1',
    );
  });

  it("reads jobs in flight at each scrape; a failing source keeps the last value", async () => {
    const m = new Metrics({ defaultMetrics: false });
    let count: number | Error = 3;
    m.countInFlight(async () => {
      if (count instanceof Error) throw count;
      return count;
    });
    expect(await m.text()).toContain("mjcord_jobs_in_flight 3");
    count = new Error("store closed");
    expect(await m.text()).toContain("mjcord_jobs_in_flight 3");
    count = 0;
    expect(await m.text()).toContain("mjcord_jobs_in_flight 0");
  });
});

describe("labels", () => {
  it("proxy endpoints drop the speed prefix, task ids and the query", () => {
    expect(proxyEndpoint("/fast/mj/submit/imagine")).toBe("/mj/submit/imagine");
    expect(proxyEndpoint("/mj/task/list-by-condition")).toBe("/mj/task/list-by-condition");
    expect(proxyEndpoint("/mj/task/list")).toBe("/mj/task/list");
    expect(proxyEndpoint("/mj/task/17000/image-seed")).toBe("/mj/task/:id/image-seed");
    expect(proxyEndpoint("/mj/task/list-x/fetch")).toBe("/mj/task/:id/fetch");
    expect(proxyEndpoint("/something/else")).toBe("other");
  });

  it("Discord routes carry no ids or tokens", () => {
    expect(
      discordRoute("/webhooks/123/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTA/messages/@original"),
    ).toBe("/webhooks/:id/:token/messages/@original");
    expect(discordRoute("/channels/:id/messages?limit=5")).toBe("/channels/:id/messages");
    // A token is a token however short it is.
    expect(discordRoute("/interactions/99/short-token/callback")).toBe(
      "/interactions/:id/:token/callback",
    );
    expect(discordRoute("/webhooks/:id/tok/messages/@original")).toBe(
      "/webhooks/:id/:token/messages/@original",
    );
  });
});
