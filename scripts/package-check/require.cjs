// CommonJS users: on Node ≥ 20.19, `require()` of an ES module works, through the exports maps'
// `default` condition. The module required is the same instance that `import` gives, so the
// package has no dual-package hazard (two Tensor classes, two backend registries).
const assert = require('node:assert/strict');

(async () => {
  for (const spec of JSON.parse(process.env.GRAFT_ENTRIES)) {
    const required = require(spec);
    const imported = await import(spec);
    for (const key of Object.keys(imported)) assert.equal(required[key], imported[key], `${spec}: require() and import give different '${key}'`);
  }
  console.log('require(): ok');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
