import { config, custom } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * The app's schemas use Zod Mini (`zod/mini`): the same parser and checks as classic zod, built
 * from functions instead of methods, so a bundle holds only what it uses (classic zod's method
 * API comes whole) and a schema is cheaper to build (a Node probe, jitless as in the app: 40
 * object schemas in 12–21 ms against 25–29 ms).
 *
 * Zod Mini loads no messages of its own (every issue would read "Invalid input"): the English ones
 * are set here, and every module that builds a schema imports `z` from this one, so each realm
 * (the page, each worker) has them before its first parse.
 */
config(en());

export * as z from 'zod/mini';

/**
 * A string that `guard` accepts, typed as what the guard says it is. (Classic zod's
 * `.refine(guard)` narrowed the type; Zod Mini's `refine` check does not.)
 */
export function guarded<T extends string>(guard: (s: string) => s is T, message: string) {
  return custom<T>((v) => typeof v === 'string' && guard(v), message);
}
