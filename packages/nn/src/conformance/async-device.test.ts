/** The nn conformance suite on the simulated async-only, float64-free device (runs everywhere). */
import { registerAsyncDevice } from '../../../../test-utils/nn/async-device';
import { nnConformanceSuite } from '../../../../test-utils/nn/suite';

nnConformanceSuite(registerAsyncDevice());
