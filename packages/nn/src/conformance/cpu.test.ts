/** The nn conformance suite on the CPU: float32 results against the float64 CPU reference. */
import { nnConformanceSuite } from '../../../../test-utils/nn/suite';

nnConformanceSuite('cpu');
