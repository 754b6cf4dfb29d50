import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorRuntime, type Behavior, type Reply } from '../../runtime/index.js';
import { DrlsError } from '../../runtime/base/index.js';

type CounterMsg =
  | { type: 'add'; n: number }
  | { type: 'get'; reply: Reply<number> }
  | { type: 'boom'; reply: Reply<void> }
  | { type: 'never'; reply: Reply<void> };

const counter = (): Behavior<CounterMsg, { total: number }> => ({
  init: () => ({ total: 0 }),
  receive(state, msg) {
    switch (msg.type) {
      case 'add':
        return { total: state.total + msg.n };
      case 'get':
        msg.reply.resolve(state.total);
        return state;
      case 'boom':
        throw new Error('kaboom');
      case 'never':
        return state; // keeps the reply unanswered
    }
  },
});

const test = suite<{ rt: ActorRuntime }>('runtime');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

test('spawn, tell and ask through a typed handle', async ({ rt }) => {
  const h = rt.spawn('counter', counter());
  h.tell({ type: 'add', n: 2 });
  h.tell({ type: 'add', n: 3 });
  assert.is(await h.ask({ type: 'get' }), 5);
});

test('getActor finds an actor by name from anywhere; unknown names are typed errors', async ({ rt }) => {
  rt.spawn('a', counter()).tell({ type: 'add', n: 7 });
  assert.is(await rt.getActor<CounterMsg>('a').ask({ type: 'get' }), 7);
  try {
    rt.getActor('nope');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, DrlsError);
    assert.is((err as DrlsError).code, 'DRLS_ACTOR_NOT_FOUND');
  }
});

test('a duplicate name is a typed error; getOrCreate returns the existing actor', async ({ rt }) => {
  const first = rt.spawn('dup', counter());
  assert.throws(() => rt.spawn('dup', counter()), (e: DrlsError) => e.code === 'DRLS_ACTOR_EXISTS');
  first.tell({ type: 'add', n: 1 });
  const again = rt.getOrCreate('dup', counter);
  assert.is(await again.ask({ type: 'get' }), 1);
  assert.equal(rt.list(), ['dup']);
});

test('an ask that times out is a typed error', async ({ rt }) => {
  const h = rt.spawn('slow', counter());
  try {
    await h.ask({ type: 'never' }, { timeoutMs: 20 });
    assert.unreachable();
  } catch (err) {
    assert.is((err as DrlsError).code, 'DRLS_ASK_TIMEOUT');
  }
});

test('kill rejects pending asks and later messages with ActorStoppedError', async ({ rt }) => {
  const h = rt.spawn('k', counter());
  const pending = h.ask({ type: 'never' });
  await h.ask({ type: 'get' });
  assert.ok(rt.stop('k'));
  await pending.then(
    () => assert.unreachable(),
    (err: DrlsError) => assert.is(err.code, 'DRLS_ACTOR_STOPPED'),
  );
  await h.ask({ type: 'get' }).then(
    () => assert.unreachable(),
    (err: DrlsError) => assert.is(err.code, 'DRLS_ACTOR_STOPPED'),
  );
  assert.not.ok(rt.has('k'));
});

for (const [policy, expected] of [
  ['resume', 5],
  ['restart', 0],
] as const) {
  test(`supervision '${policy}': the asker gets the crash, the actor goes on`, async ({ rt }) => {
    const h = rt.spawn('s', counter(), { supervision: policy });
    h.tell({ type: 'add', n: 5 });
    await h.ask({ type: 'boom' }).then(
      () => assert.unreachable(),
      (err: DrlsError) => {
        assert.is(err.code, 'DRLS_ACTOR_CRASHED');
        assert.match(err.message, 'kaboom');
      },
    );
    assert.is(await h.ask({ type: 'get' }), expected);
  });
}

test("supervision 'stop': the actor stops and its name is free again", async ({ rt }) => {
  const h = rt.spawn('s', counter(), { supervision: 'stop' });
  await h.ask({ type: 'boom' }).catch((err: DrlsError) => assert.is(err.code, 'DRLS_ACTOR_CRASHED'));
  assert.not.ok(h.alive);
  assert.not.ok(rt.has('s'));
  rt.spawn('s', counter());
});

test('a crash nobody awaited reaches the error listeners', async ({ rt }) => {
  const seen = new Promise<{ actorName: string; error: unknown }>((resolve) => rt.onActorError(resolve));
  rt.spawn('t', counter(), { supervision: 'resume' }).tell({ type: 'boom' });
  const event = await seen;
  assert.is(event.actorName, 't');
  assert.is((event.error as DrlsError).code, 'DRLS_ACTOR_CRASHED');
});

test('bad options are refused with a message naming the option', ({ rt }) => {
  assert.throws(() => rt.spawn('x', counter(), { supervision: 'ignore' as never }), /options\.supervision must be one of/);
  assert.throws(() => rt.spawn('', counter()), /actor name must be a non-empty string/);
  const h = rt.spawn('x', counter());
  assert.throws(() => h.ask({ type: 'get' }, { timeoutMs: -1 }), /options\.timeoutMs must be a positive number/);
});

test('ten thousand named actors can be spawned, found and messaged', async ({ rt }) => {
  for (let i = 0; i < 10_000; i++) rt.spawn(`n${i}`, counter());
  const h = rt.getActor<CounterMsg>('n9999');
  for (let i = 0; i < 1000; i++) h.tell({ type: 'add', n: 1 });
  assert.is(await h.ask({ type: 'get' }), 1000);
  assert.is(rt.list().length, 10_000);
});

test('shutdown stops every actor; the runtime refuses new work', async ({ rt }) => {
  const h = rt.spawn('z', counter());
  const pending = h.ask({ type: 'never' });
  rt.shutdown();
  await pending.catch((err: DrlsError) => assert.is(err.code, 'DRLS_ACTOR_STOPPED'));
  assert.throws(() => rt.spawn('y', counter()), (e: DrlsError) => e.code === 'DRLS_RUNTIME_STOPPED');
});

test.run();
