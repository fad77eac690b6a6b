import { packageVitest } from '../../vitest.shared';

export default packageVitest('plugin-example');
