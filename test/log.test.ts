import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, scrub } from "../src/log.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe("logging", () => {
  it("never writes tokens, keys or image payloads", () => {
    const { lines, destination } = capture();
    const log = createLogger({
      level: "info",
      secrets: ["tok.en-123456", "hk-abcdef"],
      destination,
    });
    const png = `data:image/png;base64,${"iVBORw0KGgo".repeat(40)}`;
    log.info(
      {
        headers: { authorization: "Bearer hk-abcdef" },
        body: { base64Array: [png], prompt: "a fox" },
      },
      "submit",
    );
    log.warn({ err: new Error("401 for token tok.en-123456") }, "login failed with tok.en-123456");
    log.info({ maskBase64: "A".repeat(500) }, "mask");
    const text = lines.join("");
    expect(text).not.toContain("hk-abcdef");
    expect(text).not.toContain("tok.en-123456");
    expect(text).not.toContain("iVBORw0KGgo");
    expect(text).not.toContain("AAAAAAAAAA");
    expect(text).toContain("a fox");
    expect(text).toContain("[data-uri");
  });

  it("never writes the notify hook's secret, in a URL or a path", () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: "info", destination });
    const secret = "Zk3_q9-LmN0pQrStUvWxYz012345";
    log.info({ notifyHook: `https://bot.example.com/hooks/mj/${secret}` }, "submit");
    log.warn({ path: `/hooks/mj/${secret}?x=1` }, `POST /hooks/mj/${secret} failed`);
    const text = lines.join("");
    expect(text).not.toContain(secret);
    expect(text).toContain("/hooks/mj/[redacted]");
  });

  it("scrub keeps ordinary values", () => {
    expect(scrub({ a: 1, b: ["x", null], c: { d: true } })).toEqual({
      a: 1,
      b: ["x", null],
      c: { d: true },
    });
  });
});
