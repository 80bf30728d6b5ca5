// Picks the recipe and the ladder for one title and deliverable.
import type { Recipe, RecipeBook, Rendition, Title } from "../model";
import { InternalError } from "../util/errors";

export interface Selection {
  recipe: Recipe;
  /** The recipe's ladder without rungs above the source (upscaling wastes bits and time). */
  ladder: Rendition[];
}

export function recipeFor(book: RecipeBook, deliverable: string, title: Title): Recipe {
  const candidates = book.recipes.filter((r) => r.deliverable === deliverable);
  const exact = candidates.find((r) => r.contentClass === title.content.contentClass);
  const generic = candidates.find((r) => r.contentClass === "generic");
  const recipe = exact ?? generic;
  // The loader rejects workloads naming a deliverable without a generic recipe, so this is a bug.
  if (!recipe) throw new InternalError(`no recipe serves deliverable ${deliverable}`);
  return recipe;
}

export function ladderFor(recipe: Recipe, title: Title): Rendition[] {
  // Compare the short side so portrait uploads (1080x1920) keep their 1080p rung.
  const shortSide = Math.min(title.content.width, title.content.height);
  const fits = recipe.ladder.filter((r) => Math.min(r.width, r.height) <= shortSide);
  // A source smaller than every rung still gets the lowest rung: a deliverable is never empty.
  const lowest = recipe.ladder[recipe.ladder.length - 1];
  return fits.length > 0 ? fits : lowest ? [lowest] : [];
}

/** The title's ladder for a deliverable: its per-title ladder when it has one, else the recipe's. */
export function select(book: RecipeBook, deliverable: string, title: Title): Selection {
  const recipe = recipeFor(book, deliverable, title);
  return { recipe, ladder: title.ladders?.[deliverable] ?? ladderFor(recipe, title) };
}
