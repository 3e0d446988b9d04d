/**
 * Prettier configuration (`npm run format`, checked by `npm run lint`): the code's own style,
 * single quotes, semicolons, trailing commas, parentheses around every arrow parameter, and
 * 100 columns, the width the comments are wrapped to. Prettier leaves comments as written.
 *
 * Not covered here: Markdown and JSON (docs/ and the generated results are written by hand or
 * by the tools that make them), lint rules (eslint.config.mjs).
 */
export default {
  printWidth: 100,
  singleQuote: true,
};
