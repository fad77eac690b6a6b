import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../vitest.shared';

// guides.test.ts, next to the guides, runs their ```ts run blocks
export default mergeConfig(packageVitest('docs'), { test: { include: ['*.test.ts'] } });
