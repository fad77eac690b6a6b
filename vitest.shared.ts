import { defineConfig } from 'vitest/config';

/** Tests read workspace packages from source through the `@graft/source` export condition. */
export const sourceConditions = ['@graft/source', 'module', 'node', 'import', 'default'];

export function packageVitest(name: string) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@graft/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
}
