import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/guard.ts"],
    testTimeout: 60_000,
    hookTimeout: 20_000,
  },
});
