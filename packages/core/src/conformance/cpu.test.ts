/** The conformance suite on the CPU backend (float32 results against the CPU's float64 reference). */
import { conformanceSuite } from '../../../../test-utils/core/conformance/suite';

conformanceSuite('cpu');
