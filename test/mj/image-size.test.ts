import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchImageSize } from "../../src/mj/media.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const routes = new Map<string, Handler>();
const seen: { path: string; range: string | undefined; closed: boolean }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = { path: req.url ?? "", range: req.headers.range, closed: false };
    seen.push(entry);
    res.on("close", () => {
      entry.closed = true;
    });
    const handler = routes.get(req.url ?? "");
    if (handler) handler(req, res);
    else res.writeHead(404).end("Not Found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

/** Sends `head`, then more bytes every few milliseconds, and never ends. */
function endless(head: Buffer, contentType = "image/png"): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": contentType, "content-length": String(500 * 2 ** 20) });
    res.write(head);
    const filler = Buffer.alloc(16 * 1024, 0x55);
    const timer = setInterval(() => res.write(filler), 5);
    res.on("close", () => clearInterval(timer));
  };
}

describe("fetchImageSize", () => {
  it("reads a picture's size from its first bytes and stops there", async () => {
    routes.set("/huge.png", endless(png(1456, 816).subarray(0, 64)));
    expect(await fetchImageSize(`${base}/huge.png`)).toEqual({ width: 1456, height: 816 });
    const request = seen.find((s) => s.path === "/huge.png");
    expect(request?.range).toMatch(/^bytes=0-\d+$/);
    await expect.poll(() => request?.closed).toBe(true);
  });

  it("finds a JPEG's size behind a large metadata segment", async () => {
    const exif = Buffer.alloc(60_000, 0x20);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.alloc(2), exif]);
    app1.writeUInt16BE(exif.length + 2, 2);
    const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x03, 0x00, 0x04, 0x00, 0x03]);
    const head = Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof]);
    routes.set("/photo.jpg", endless(head, "image/jpeg"));
    expect(await fetchImageSize(`${base}/photo.jpg`)).toEqual({ width: 1024, height: 768 });
  });

  it("takes a server that ignores the range and sends the whole file", async () => {
    const whole = png(64, 32);
    routes.set("/small.png", (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" }).end(whole);
    });
    expect(await fetchImageSize(`${base}/small.png`)).toEqual({ width: 64, height: 32 });
  });

  it("gives up on bytes that never show a picture's header", async () => {
    routes.set("/noise", endless(Buffer.from("not a picture at all"), "image/png"));
    expect(await fetchImageSize(`${base}/noise`, { maxBytes: 64 * 1024 })).toBeNull();
    const request = seen.find((s) => s.path === "/noise");
    await expect.poll(() => request?.closed).toBe(true);
  });

  it("is null for a link that fails", async () => {
    expect(await fetchImageSize(`${base}/missing.png`)).toBeNull();
    expect(await fetchImageSize("http://127.0.0.1:1/refused.png")).toBeNull();
  });

  it("is null when the answer does not come in time", async () => {
    routes.set("/silent.png", () => undefined);
    expect(await fetchImageSize(`${base}/silent.png`, { timeoutMs: 200 })).toBeNull();
  });
});
