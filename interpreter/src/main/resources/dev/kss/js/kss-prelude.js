// The prelude of every JS policy (dev.kss.js.JsModule): it gives the module `kss`, its only way
// to the host, and makes the one entry the host calls for every hook. Evaluated once per policy,
// before the module, in the policy's own sandboxed context; its statements are not counted by the
// statement budget (JsEngine). The numbers it shares with the host come in `layoutJson`
// (CallLayout.java), named the same on both sides.

(function (host, layoutJson, optionsJson, countersJson, doubles, ints) {
  'use strict';
  // The numbers the host and this prelude share, by name (CallLayout.java).
  const L = JSON.parse(layoutJson);
  const HOOKS = L.hooks;
  const { HOOK, ID, WHERE, STACK, PAGES, EXTRA, DEPTH_PAGES, FORGOTTEN, FORGET, DESCRIBE, NONE, FREED, WRONG,
    KERNEL, IN_KERNEL, SLEEPING, ATOMIC, NODE_SHIFT, CPU_SHIFT } = L;
  const INIT = HOOKS.indexOf('init'), ALLOC = HOOKS.indexOf('alloc'), FREE = HOOKS.indexOf('free'), FAULT = HOOKS.indexOf('fault'),
    ENTER = HOOKS.indexOf('enter'), LEAVE = HOOKS.indexOf('leave'), SLEEP = HOOKS.indexOf('sleep'),
    SWITCH_OUT = HOOKS.indexOf('switchOut'), SWITCH_IN = HOOKS.indexOf('switchIn'), RECLAIM = HOOKS.indexOf('reclaim');
  const NODE_MASK = (1 << (CPU_SHIFT - NODE_SHIFT)) - 1;
  const log = (...args) => host.log(args.map(a => typeof a === 'string' ? a : String(a)).join(' '));
  const cpus = host.cpus();
  const percpu = Object.freeze(Array.from({ length: cpus }, () => ({})));
  // The machine's shape does not change: CPU -> node is a table here, not a call to the host.
  const nodeTable = Object.freeze(Array.from({ length: cpus }, (_, c) => host.nodeOfShape(c)));
  // counter name -> its number, so that a count crosses to the host with two numbers
  // (an object without a prototype rather than a Map: a count's name is most often a constant,
  // and a property read with a constant key is one cached check)
  const counterNames = JSON.parse(countersJson), counterIndex = Object.create(null);
  counterNames.forEach((name, i) => { counterIndex[name] = i; });
  // Two host arrays are shared with the host, read and written here without a call. doubles:
  // the counters (read by the host for metrics, snapshots and ejection reports), then a word
  // that is 1 while a hook may make requests (a hook runs and no request was refused; anything
  // else goes to the host, which refuses), then the depth of the hook's thread. ints: a hook's
  // number and arguments, rather than arguments of the call (which the host would convert one
  // by one): the hook's number, the thread's id, its cpu << CPU_SHIFT | node << NODE_SHIFT | flags, its stack's
  // number and pages, the hook's extra argument, the thread's depth in pages, and the numbers
  // of stacks to forget (CallLayout). Each is read once, when the hook's arguments
  // are made.
  const counts = doubles, okAt = L.OK_AT, D = L.DEPTH_AT;
  const threadIn = () => {
    const where = ints[WHERE];
    return new Thread(ints[ID], where >> CPU_SHIFT, (where >> NODE_SHIFT) & NODE_MASK, where, counts[D], ints[DEPTH_PAGES], stackIn(ints[STACK]));
  };
  const stackIn = (id) => id <= 0 ? null : stacks[id] ?? stackOf(id, ints[PAGES]);
  // A stack as hooks see it: one object per stack (so === works), made here from its number;
  // the host knows stacks by number (from 1). The table below holds the stack objects of the
  // stacks the host knows: an object is one this prelude made, and not freed since, exactly
  // when it is the table's entry for its number (the host hands a number out again only after
  // it was dropped here). A freed one is refused (FREED). (A check by identity rather than a
  // private field, #id in s: in an engine shared by several contexts a private name is not a
  // constant, and the brand check cost a quarter of a hook call.)
  const stacks = [];
  class Stack {
    // Not frozen: Object.freeze on each new stack object cost more than the hook call (~170 ns),
    // and the table, not the id property, says which stack an object is: a module that writes
    // to its stack's id only makes the host refuse that object.
    constructor(id, pages) { this.id = id; this.pages = pages; }
    mapped(p) { return host.stackMapped(idOf(this), p); }
    mappedCount() { return host.stackMappedCount(idOf(this)); }
    accessed(p) { return host.stackAccessed(idOf(this), p); }
    live() { return host.stackLive(idOf(this)); }
    toString() { return 'stack ' + this.id; }
  }
  // The number of stack object s, FREED for one that was freed, NONE for anything else.
  const idOf = (s) => {
    if (typeof s !== 'object' || s === null) return NONE;
    const id = s.id;
    return stacks[id] === s ? id : s instanceof Stack ? FREED : NONE;
  };
  const forget = (id) => { stacks[id] = undefined; };
  delete Stack.prototype.constructor;
  Object.freeze(Stack.prototype);
  const stackOf = (id, pages) => {
    if (id <= 0) return null;
    let s = stacks[id];
    if (s === undefined) stacks[id] = s = new Stack(id, pages);
    return s;
  };
  // A thread as hooks see it: a snapshot at the call, made from numbers (no host object crosses).
  // Its name is asked of the host when read (few hooks read it; passing it would cost every call).
  class Thread {
    constructor(id, cpu, node, bits, depth, depthPages, stack) {
      this.id = id; this.cpu = cpu; this.node = node;
      this.kernel = (bits & KERNEL) !== 0; this.inKernel = (bits & IN_KERNEL) !== 0; this.sleeping = (bits & SLEEPING) !== 0; this.atomic = (bits & ATOMIC) !== 0;
      this.depth = depth; this.depthPages = depthPages; this.stack = stack;
    }
    get name() { return host.threadName(this.id); }
    toString() { return 'thread ' + this.id; }
  }
  const fromView = (v) => v === null ? null
    : new Thread(v.id, v.cpu, v.node, (v.kernel ? 1 : 0) | (v.inKernel ? 2 : 0) | (v.sleeping ? 4 : 0) | (v.atomic ? 8 : 0),
        v.depth, v.depthPages, v.stack === null ? null : stackOf(v.stack.id, v.stack.pages));
  globalThis.kss = Object.freeze({
    options: Object.freeze(JSON.parse(optionsJson)),
    cpus,
    nodes: host.nodes(),
    nodeOf: (cpu) => Number.isInteger(cpu) && cpu >= 0 && cpu < cpus ? nodeTable[cpu] : host.nodeOf(cpu),
    percpu,
    now: () => host.now(),
    cpu: () => host.cpu(),
    thread: () => fromView(host.thread()),
    threads: () => {
      const n = host.threadCount(), out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = fromView(host.threadAt(i));
      return out;
    },
    freeFrames: () => host.freeFrames(),
    totalFrames: () => host.totalFrames(),
    allocFrame: (node) => host.allocFrame(node === undefined ? -1 : node),   // -1: the node of the hook's CPU
    freeFrame: (pfn) => host.freeFrame(pfn),
    map: (stack, page, pfn) => host.map(idOf(stack), page, pfn),
    unmap: (stack, page) => host.unmap(idOf(stack), page),
    invalidate: (mode) => host.invalidate(mode === undefined ? '' : mode),
    count: (name, n) => {
      const i = typeof name === 'string' ? counterIndex[name] : undefined;
      if (i === undefined) return host.count(name, n === undefined ? 1 : n);
      if (n === undefined) {   // the common case: one more
        if (counts[okAt] === 1) counts[i]++;
        else host.countAt(i, 1);
      } else if (counts[okAt] === 1 && typeof n === 'number' && n - n === 0) counts[i] += n;   // finite
      else host.countAt(i, n);
    },
    random: () => host.random(),
    log,
  });
  globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
  // The one entry the host calls, without arguments (the hook's number is in the shared ints) and
  // without a result (the answer goes in its place): one function, so that the host's call
  // site sees a single target and the hooks compile into it, and nothing to convert. Answers:
  // alloc a stack's number, NONE for none or FREED for a freed stack object; free 1 to keep the
  // stack (else it is forgotten here); fault 1 or 0; the others 0. A value of the wrong kind
  // answers WRONG, and the host asks for its description (DESCRIBE as the hook's number).
  return (hooks, namesJson) => {
    const names = JSON.parse(namesJson);
    const has = names.filter(n => typeof hooks[n] === 'function').map(n => HOOKS.indexOf(n));
    const bad = (r) => typeof r === 'string' ? JSON.stringify(r) : String(r);
    const dispatch = (hook) => {
      switch (hook) {
        case ALLOC: {
          const r = hooks.alloc(threadIn());
          if (r === null || r === undefined) return NONE;
          const i = idOf(r);
          return i !== NONE ? i : bad(r);
        }
        case FREE: {
          const sid = ints[STACK];
          const keep = hooks.free(stackIn(sid), ints[EXTRA]);
          if (keep === true) return 1;
          forget(sid);
          return keep === false || keep === null || keep === undefined ? 0 : bad(keep);
        }
        case FAULT: {
          const r = hooks.fault(threadIn(), ints[EXTRA]);
          return r === true ? 1 : r === false || r === null || r === undefined ? 0 : bad(r);
        }
        case ENTER: hooks.enter(threadIn()); return 0;
        case LEAVE: hooks.leave(threadIn()); return 0;
        case SLEEP: hooks.sleep(threadIn()); return 0;
        case SWITCH_OUT: hooks.switchOut(threadIn(), ints[EXTRA]); return 0;
        case SWITCH_IN: hooks.switchIn(threadIn(), ints[EXTRA]); return 0;
        case RECLAIM: hooks.reclaim(); return 0;
        case INIT: hooks.init(); return 0;
        // Stacks the host has forgotten (freed, not kept), in batches.
        case FORGET: for (let i = 0; i < ints[ID]; i++) forget(ints[FORGOTTEN + i]); return 0;
      }
    };
    let described = '';
    const entry = () => {
      const hook = ints[HOOK];
      if (hook === DESCRIBE) return described;
      const r = dispatch(hook);
      if (typeof r === 'number') ints[HOOK] = r;
      else { described = r; ints[HOOK] = WRONG; }
    };
    // Which hooks the module has, as bits by number.
    return [entry, has.reduce((bits, i) => bits | (1 << i), 0)];
  };
})
