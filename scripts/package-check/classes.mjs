// Imports every entry point (GRAFT_ENTRIES, a JSON list of specifiers) and checks that each exports
// something and that every exported class is called what its export says: bundling renames
// classes that share a name (Module → _Module) unless tsup's keepNames is on, and those names show
// in stack traces, error names and `constructor.name`.
import assert from 'node:assert/strict';

const wrong = [];
for (const spec of JSON.parse(process.env.GRAFT_ENTRIES)) {
  const mod = await import(spec);
  assert.ok(Object.keys(mod).length > 0, `${spec} exports nothing`);
  for (const [key, value] of Object.entries(mod)) {
    const isClass = typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
    if (isClass && value.name !== key) wrong.push(`${spec}: ${key} is named '${value.name}'`);
  }
}
assert.deepEqual(wrong, [], 'exported classes keep their names');
console.log('entries and class names: ok');
