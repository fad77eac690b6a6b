/** The nn conformance suite on the simulated async-only, float64-free device (runs everywhere). */
import { registerAsyncDevice } from './async-device';
import { nnConformanceSuite } from './suite';

nnConformanceSuite(registerAsyncDevice());
