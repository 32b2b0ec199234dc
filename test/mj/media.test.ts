import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadMedia, imageSize, mimeOf, sniffMediaType } from "../../src/mj/media.js";

function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(128);
  return PNG.sync.write(png);
}

const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(
    parts.map((p) =>
      typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.isBuffer(p) ? p : Buffer.from(p),
    ),
  );
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

const gif = (w: number, h: number) => bytes("GIF89a", u16le(w), u16le(h), [0xf7, 0, 0]);
const riff = (body: Buffer) => bytes("RIFF", u32le(4 + body.length), "WEBP", body);
const webpVp8x = (w: number, h: number) =>
  riff(bytes("VP8X", u32le(10), [0x10, 0, 0, 0], u24le(w - 1), u24le(h - 1)));
const webpVp8 = (w: number, h: number, scaleBits = 0) =>
  riff(
    bytes(
      "VP8 ",
      u32le(10),
      [0, 0, 0], // frame tag
      [0x9d, 0x01, 0x2a], // start code
      u16le(w | scaleBits),
      u16le(h | scaleBits),
    ),
  );
const webpVp8l = (w: number, h: number) =>
  riff(bytes("VP8L", u32le(5), [0x2f], u32le((w - 1) | ((h - 1) << 14))));
const APP0 = [0xff, 0xe0, ...u16be(16), ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0];
const sof = (marker: number, w: number, h: number) => [
  0xff,
  marker,
  ...u16be(17),
  8,
  ...u16be(h),
  ...u16be(w),
  3,
  1,
  0x22,
  0,
  2,
  0x11,
  1,
  3,
  0x11,
  1,
];
const jpeg = (...segments: number[][]) => bytes([0xff, 0xd8], ...segments, [0xff, 0xd9]);
const MP4 = bytes([0, 0, 0, 0x20], "ftypisom", [0, 0, 2, 0], "isomiso2mp41");

describe("sniffMediaType", () => {
  it.each([
    ["png", pngOf(2, 2)],
    ["jpeg", jpeg(APP0, sof(0xc0, 8, 8))],
    ["webp", webpVp8x(10, 10)],
    ["gif", gif(1, 1)],
    ["gif", bytes("GIF87a", u16le(1), u16le(1))],
    ["mp4", MP4],
  ])("knows %s by its first bytes", (type, data) => {
    expect(sniffMediaType(data)).toBe(type);
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("<!DOCTYPE html><html><body>Not found</body></html>")],
    ["json", Buffer.from('{"code":4,"description":"task_no_found"}')],
    ["garbage", Buffer.from([0x00, 0x13, 0x37, 0x42, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 1, 2])],
    ["a RIFF that is not WebP", bytes("RIFF", u32le(4), "WAVEfmt ")],
    ["a cut PNG signature", Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ["two JPEG bytes", Buffer.from([0xff, 0xd8])],
    ["GIF without its version", Buffer.from("GIF8")],
  ])("returns null for %s", (_name, data) => {
    expect(sniffMediaType(data)).toBeNull();
  });

  it("maps types to MIME types", () => {
    expect(mimeOf("png")).toBe("image/png");
    expect(mimeOf("jpeg")).toBe("image/jpeg");
    expect(mimeOf("webp")).toBe("image/webp");
    expect(mimeOf("gif")).toBe("image/gif");
    expect(mimeOf("mp4")).toBe("video/mp4");
  });
});

describe("imageSize", () => {
  it.each([
    ["PNG (pngjs)", pngOf(300, 200), 300, 200],
    ["PNG 1×1", pngOf(1, 1), 1, 1],
    ["GIF", gif(640, 480), 640, 480],
    ["WebP VP8X", webpVp8x(2048, 1536), 2048, 1536],
    ["WebP VP8X beyond 16 bits", webpVp8x(70000, 3), 70000, 3],
    ["WebP VP8 (lossy)", webpVp8(1024, 768), 1024, 768],
    ["WebP VP8 with scale bits", webpVp8(1024, 768, 0xc000), 1024, 768],
    ["WebP VP8L (lossless)", webpVp8l(16383, 1), 16383, 1],
    ["WebP VP8L", webpVp8l(800, 600), 800, 600],
    ["JPEG SOF0 after APP0", jpeg(APP0, sof(0xc0, 1920, 1080)), 1920, 1080],
    ["JPEG progressive (SOF2)", jpeg(APP0, sof(0xc2, 512, 256)), 512, 256],
    [
      "JPEG with a DHT before SOF0",
      jpeg(APP0, [0xff, 0xc4, ...u16be(5), 0, 1, 2], sof(0xc0, 100, 50)),
      100,
      50,
    ],
  ])("%s", (_name, data, width, height) => {
    expect(imageSize(data)).toEqual({ width, height });
  });

  it.each([
    ["an MP4", MP4],
    ["text", Buffer.from("hello, this is not an image")],
    ["a PNG cut after its signature", pngOf(4, 4).subarray(0, 12)],
    ["a GIF cut short", Buffer.from("GIF89a\x01")],
    ["a JPEG without a frame header", jpeg(APP0, APP0)],
    ["a JPEG with a broken segment", bytes([0xff, 0xd8, 0xff, 0xe0], u16be(16), [0x00, 0x01])],
    ["a WebP with an unknown chunk", riff(bytes("ABCD", u32le(10), Buffer.alloc(10)))],
    ["a WebP cut short", webpVp8x(10, 10).subarray(0, 20)],
  ])("returns null for %s", (_name, data) => {
    expect(imageSize(data)).toBeNull();
  });
});

describe("downloadMedia", () => {
  const PNG_BYTES = pngOf(32, 16);
  const seen: string[] = [];
  let server: Server;
  let base: string;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    seen.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/image.png":
        res.writeHead(200, {
          "content-type": "image/png",
          "content-length": PNG_BYTES.length,
        });
        res.end(PNG_BYTES);
        return;
      case "/mislabelled":
        res.writeHead(200, { "content-type": "text/html" });
        res.end(PNG_BYTES);
        return;
      case "/unknown":
        res.writeHead(200, { "content-type": "application/x-thing" });
        res.end("some bytes that are no image");
        return;
      case "/declared-large":
        res.writeHead(200, { "content-type": "image/png", "content-length": 5000 });
        res.end(Buffer.alloc(5000));
        return;
      case "/streamed-large":
        // No content-length: the size shows only while reading.
        res.writeHead(200, { "content-type": "image/png" });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, i));
        res.end();
        return;
      case "/endless": {
        // Never ends: the download must stop reading by itself.
        res.writeHead(200, { "content-type": "video/mp4" });
        const chunk = Buffer.alloc(16 * 1024, 7);
        const endless = new Readable({
          read() {
            this.push(chunk);
          },
        });
        await pipeline(endless, res).catch(() => undefined);
        return;
      }
      case "/missing":
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      case "/redirect":
        res.writeHead(302, {
          location: `/signed/image.png?ex=6891d081&is=68907f01&hm=0f2a%2B69%2F3e&X-Amz-Signature=a%3Db`,
        });
        res.end();
        return;
      case "/signed/image.png":
        res.writeHead(200, { "content-type": "image/png" });
        res.end(PNG_BYTES);
        return;
      default:
        res.writeHead(500);
        res.end();
    }
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("downloads a file and tells its type", async () => {
    const result = await downloadMedia(`${base}/image.png`, { maxBytes: 1_000_000 });
    expect(result).toEqual({
      ok: true,
      bytes: PNG_BYTES,
      type: "png",
      contentType: "image/png",
    });
  });

  it("takes the type from the bytes, not the server's label", async () => {
    const result = await downloadMedia(`${base}/mislabelled`, { maxBytes: 1_000_000 });
    expect(result).toMatchObject({ ok: true, type: "png", contentType: "image/png" });
  });

  it("keeps the server's content type when the bytes are unknown", async () => {
    const result = await downloadMedia(`${base}/unknown`, { maxBytes: 1_000_000 });
    expect(result).toMatchObject({ ok: true, type: null, contentType: "application/x-thing" });
    if (result.ok) expect(result.bytes.toString()).toBe("some bytes that are no image");
  });

  it("accepts a file of exactly maxBytes", async () => {
    const result = await downloadMedia(`${base}/image.png`, { maxBytes: PNG_BYTES.length });
    expect(result.ok).toBe(true);
  });

  it("refuses a file whose declared length is too large", async () => {
    const result = await downloadMedia(`${base}/declared-large`, { maxBytes: 1000 });
    expect(result).toMatchObject({ ok: false, reason: "too-large" });
  });

  it("refuses a file that turns out too large while streaming", async () => {
    const result = await downloadMedia(`${base}/streamed-large`, { maxBytes: 2500 });
    expect(result).toMatchObject({ ok: false, reason: "too-large" });
  });

  it("stops reading an endless file once it is too large", async () => {
    const result = await downloadMedia(`${base}/endless`, { maxBytes: 256 * 1024 });
    expect(result).toMatchObject({ ok: false, reason: "too-large" });
  });

  it("reports a 404 as failed", async () => {
    const result = await downloadMedia(`${base}/missing`, { maxBytes: 1_000_000 });
    expect(result).toEqual({ ok: false, reason: "failed", detail: "HTTP 404" });
  });

  it("reports an unreachable server as failed", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await downloadMedia(`http://127.0.0.1:${port}/x.png`, { maxBytes: 1000 });
    expect(result).toMatchObject({ ok: false, reason: "failed" });
  });

  it("follows a redirect and keeps the signed query string as it is", async () => {
    seen.length = 0;
    const start = `/redirect?ex=1&hm=a%2Fb%3D`;
    const result = await downloadMedia(`${base}${start}`, { maxBytes: 1_000_000 });
    expect(result).toMatchObject({ ok: true, type: "png" });
    expect(seen).toEqual([
      start,
      "/signed/image.png?ex=6891d081&is=68907f01&hm=0f2a%2B69%2F3e&X-Amz-Signature=a%3Db",
    ]);
  });
});
