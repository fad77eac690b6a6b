import { packageTsup } from '../../tsup.shared';

export default packageTsup(import.meta.dirname);
