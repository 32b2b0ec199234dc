// Pictures a member sends in the end-to-end tests: real PNGs, data URIs, and a picture host.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PNG } from "pngjs";

/** A real PNG of one colour. */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) image.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(image);
}

/**
 * Minimal JPEG bytes (SOI, APP0 "JFIF", a 1×1 frame header, EOI): the bot tells the type from
 * these, and the size from the frame header.
 */
export const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
  0x00, 0x01, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11,
  0x00, 0xff, 0xd9,
]);

/** The data URI the bot sends the proxy for these bytes. */
export const dataUri = (bytes: Uint8Array, mime = "image/png") =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;

export interface PictureHost {
  /** A link to a picture on it. */
  url: string;
  /** Every request it received (method and path). */
  hits: string[];
  close(): Promise<void>;
}

/** A member's own picture host on loopback: it serves a PNG at `path` and records every request. */
export async function pictureHost(path: string): Promise<PictureHost> {
  const hits: string[] = [];
  const bytes = png(8, 8, [10, 200, 30]);
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "image/png" }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
