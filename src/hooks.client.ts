import { z } from 'zod';

// The pages' Content-Security-Policy allows no eval (svelte.config.js), so zod must not
// try to compile its fast path with `new Function`: each try is refused and reported
// as a violation. Parsing is the same without it; workers (no such policy) keep it.
z.config({ jitless: true });
