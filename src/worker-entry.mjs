// The entry of every Wirefold worker thread (worker-thread.ts): Node's compile cache on for this thread, then the
// thread's module, whose file URL is the thread's first argument. Plain JavaScript, as scripts/wirefold.mjs is: a .ts
// entry would be type-stripped, loading the stripper, before the cache could be turned on.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import(process.argv[2]);
