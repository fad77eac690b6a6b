/** Values the vitest configs of @graft/core provide to tests (`inject('ci')`). */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when CI=true: a missing WebGPU adapter then fails instead of skipping. */
    ci: boolean;
  }
}
