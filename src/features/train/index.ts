/** The train feature's pure API (its shared/ part): what other features may use. */
export { RecipeSchema } from './shared/recipe';
export type { Recipe } from './shared/recipe';
export type { Technique } from './shared/settings';
export { formatProbability } from './shared/softmax';
