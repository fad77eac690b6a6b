/** Values nn's vitest config provides to tests (`inject('ci')`), as core's do. */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when CI=true: a missing WebGPU adapter then fails instead of skipping. */
    ci: boolean;
  }
}
