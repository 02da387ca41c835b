// Preloaded in the SDK's workflow thread only (workers/sandbox.ts): calls into the workflow sandbox run without the
// vm `timeout` option, so Node does not start and join a watchdog thread for each call (nodejs/node#47739).
'use strict';
const vm = require('node:vm');
const runInContext = vm.Script.prototype.runInContext;
vm.Script.prototype.runInContext = function runInContextWithoutWatchdog(context, options) {
  if (options && options.timeout !== undefined) {
    const { timeout: _timeout, ...rest } = options;
    return runInContext.call(this, context, rest);
  }
  return runInContext.call(this, context, options);
};

// The SDK's promise hook records a source-mapped stack for every promise a workflow creates, for the `__stack_trace`
// query (the Temporal UI's "Stack Trace" tab): a third of a replay's CPU. Without it, that query answers empty.
const v8 = require('node:v8');
v8.promiseHooks.createHook = function createNoHook() {
  return function stop() {};
};
