import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node 24 (node:sqlite, onnxruntime-node) against real files.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
