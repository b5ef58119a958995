// Variants of decoded (frozen) specs for tests: the editor's own immutable update helpers, which
// copy only the objects along a path (weight buffers stay shared, the original untouched).
export { getIn as getAt, updateIn as updateAt, setIn as setAt } from '../../shared/surgery/tree';
