import { describe, expect, it } from "vitest";
import { addressKind } from "../../src/discord/addresses.js";
import { checkImageHost, checkImageUrl, type HostLookup } from "../../src/discord/links.js";

const refusal = (text: string, allowPrivate = false) => {
  const checked = checkImageUrl(text, "image_url", allowPrivate);
  return checked.ok ? null : checked.message;
};

describe("checkImageUrl: what the link itself says", () => {
  it.each([
    "https://example.com/cat.png",
    "http://cdn.example.org:8080/a/b.webp?sig=x&ex=1",
    "https://8.8.8.8/x.png",
    "https://172.32.0.1/x.png", // just outside 172.16/12
    "https://[2606:4700:4700::1111]/x.png",
  ])("passes %s on exactly as typed", (url) => {
    expect(checkImageUrl(` ${url} `, "image_url", false)).toEqual({ ok: true, url });
  });

  it.each([
    ["loopback", "http://127.0.0.1:8080/x.png"],
    ["loopback, anywhere in 127/8", "http://127.1.2.3/x.png"],
    ["loopback written as one number", "http://2130706433/x.png"],
    ["loopback in hex", "http://0x7f.1/x.png"],
    ["IPv6 loopback", "http://[::1]/x.png"],
    ["localhost", "http://localhost:3000/x.png"],
    ["localhost, any case, trailing dot", "http://LocalHost./x.png"],
    ["a name under localhost", "http://api.localhost/x.png"],
    ["10/8", "http://10.0.0.5/x.png"],
    ["172.16/12", "http://172.16.5.4/x.png"],
    ["172.16/12, its top", "http://172.31.255.255/x.png"],
    ["192.168/16", "http://192.168.1.1/x.png"],
    ["fc00::/7", "http://[fd12:3456::1]/x.png"],
    ["fc00::/7, fc half", "http://[fc00::1]/x.png"],
    ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/x.png"],
  ])("refuses %s unless private addresses are allowed", (_what, url) => {
    expect(refusal(url)).toMatch(/`image_url` points to a private or local address/);
    expect(refusal(url, true)).toBeNull();
  });

  it.each([
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data/"],
    ["link-local", "http://169.254.1.1/x.png"],
    ["IPv6 link-local", "http://[fe80::1]/x.png"],
    ["IPv4-mapped link-local", "http://[::ffff:169.254.169.254]/x.png"],
    ["the unspecified address", "http://0.0.0.0/x.png"],
    ["0/8", "http://0.1.2.3/x.png"],
    ["the IPv6 unspecified address", "http://[::]/x.png"],
    ["multicast", "http://224.0.0.1/x.png"],
    ["broadcast", "http://255.255.255.255/x.png"],
  ])("refuses %s always", (_what, url) => {
    expect(refusal(url)).toMatch(
      /`image_url` points to a (link-local|reserved|unspecified) address/,
    );
    expect(refusal(url, true)).toMatch(/`image_url` points to/);
  });

  it("refuses a link with a user name or password, even when private addresses are allowed", () => {
    for (const url of ["https://user:pass@example.com/x.png", "https://user@example.com/x.png"]) {
      expect(refusal(url)).toMatch(/user name or password/);
      expect(refusal(url, true)).toMatch(/user name or password/);
    }
  });

  it("refuses a link longer than 2000 characters, naming both lengths", () => {
    const long = `https://example.com/${"a".repeat(9980)}`;
    expect(refusal(long)).toMatch(/`image_url` is 10000 characters long; the limit is 2000/);
  });

  it("refuses what is not an http(s) link", () => {
    for (const text of [
      "ftp://example.com/x.png",
      "not a url",
      "file:///etc/passwd",
      "javascript:alert(1)",
    ]) {
      expect(refusal(text)).toMatch(/must be an http\(s\) link/);
    }
  });
});

describe("checkImageHost: where the name leads", () => {
  const resolving =
    (table: Record<string, string[]>): HostLookup =>
    async (host) => {
      const addresses = table[host];
      if (!addresses)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    };
  const lookup = resolving({
    "pics.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "nas.example.com": ["192.168.1.20"],
    "metadata.example.com": ["169.254.169.254"],
    "mixed.example.com": ["93.184.215.14", "10.0.0.7"],
  });
  const check = (url: string, allowPrivate = false, look = lookup) =>
    checkImageHost(url, "image_url", { allowPrivate, lookup: look, timeoutMs: 200 });

  it("passes a name whose every address is public", async () => {
    expect(await check("https://pics.example.com/x.png")).toBeNull();
  });

  it("refuses a name that leads to a private address, unless allowed", async () => {
    expect(await check("https://nas.example.com/x.png")).toMatch(
      /`image_url` leads to a private or local address \(192\.168\.1\.20\)/,
    );
    expect(await check("https://nas.example.com/x.png", true)).toBeNull();
  });

  it("refuses a name that leads to link-local, even when private addresses are allowed", async () => {
    expect(await check("https://metadata.example.com/x", true)).toMatch(/link-local address/);
  });

  it("refuses a name with any one non-public address among public ones", async () => {
    expect(await check("https://mixed.example.com/x.png")).toMatch(/10\.0\.0\.7/);
  });

  it("refuses a name that cannot be found, and one whose lookup does not end in time", async () => {
    expect(await check("https://nowhere.example.com/x.png")).toMatch(
      /host nowhere\.example\.com could not be found/,
    );
    const hanging: HostLookup = () => new Promise(() => undefined);
    expect(await check("https://slow.example.com/x.png", false, hanging)).toMatch(
      /could not be looked up in time/,
    );
  });

  it("asks nothing for an address typed as digits", async () => {
    const never: HostLookup = async () => {
      throw new Error("must not be called");
    };
    expect(await check("https://8.8.8.8/x.png", false, never)).toBeNull();
  });
});

describe("addressKind", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["100.64.0.1", "private"], // carrier-grade NAT
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.1.1", "private"],
    ["fd00::1", "private"],
    ["169.254.169.254", "link-local"],
    ["fe80::abcd", "link-local"],
    ["febf::1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link-local"], // NAT64 of 169.254.169.254
    ["ff02::1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2a00:1450:4001::200e", "public"],
  ])("%s is %s", (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it("is null for what is not an address", () => {
    expect(addressKind("example.com")).toBeNull();
    expect(addressKind("1.2.3")).toBeNull();
  });
});
