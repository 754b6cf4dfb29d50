import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as drls from '../../../index.js';
import { ERROR_CODES, DrlsError, type ErrorCode } from '../../../index.js';

const test = suite('errors: one registry of codes');

/** The class name a code stands for: DRLS_ACTOR_EXISTS is ActorExistsError; a trailing _ERROR is dropped. */
function className(code: string): string {
  const words = code.replace(/^DRLS_/, '').replace(/_ERROR$/, '').toLowerCase().split('_');
  return `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Error`;
}

// Every error class reachable from the public entry point, made with placeholder arguments.
type ErrorClass = new (...args: unknown[]) => DrlsError;
const classes = (Object.entries(drls) as [string, unknown][]).filter(
  (e): e is [string, ErrorClass] => typeof e[1] === 'function' && (e[1] as { prototype: unknown }).prototype instanceof DrlsError,
);

test('every error class exported from drls carries a registered code and is named after it', () => {
  assert.ok(classes.length >= Object.keys(ERROR_CODES).length);
  for (const [name, Class] of classes) {
    const err = new Class('x', 'y', 'z');
    assert.ok(err.code in ERROR_CODES, `${name}: ${err.code} is in ERROR_CODES`);
    assert.is(name, className(err.code), `${err.code} is ${className(err.code)}`);
    assert.is(err.name, name);
    assert.instance(err, Error);
  }
});

test('every registered code has its class, exported from drls', () => {
  const exported = new Set(classes.map(([name]) => name));
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) assert.ok(exported.has(className(code)), `${code} has ${className(code)}`);
});

test('a stream failure wrapped again says its reason once', () => {
  const inner = new drls.StreamFailedError('rev-a', 'the source threw');
  assert.is(inner.reason, 'the source threw');
  assert.is(inner.message, 'stream "rev-a" failed: the source threw');
});

test.run();
