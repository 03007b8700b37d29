// ESLint flat config. Besides the usual TypeScript rules it enforces DESIGN.md's layers:
// a module imports only from the layers above it, and a few libraries have one importer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers from top (imported by everyone) to bottom (imports everyone). */
const LAYERS = ['util', 'config', 'audio', 'features', 'data', 'nn', 'train', 'eval', 'pipeline', 'cli'];
/** Extra prohibitions beyond the ordering (DESIGN.md: nn never imports data, train never imports eval). */
const EXTRA_FORBIDDEN = { nn: ['data'], train: ['eval'] };

const layerRegex = (names) => `(^|/)(${names.join('|')})(/|\\.js$)`;

function layerRule(layer) {
  const below = LAYERS.slice(LAYERS.indexOf(layer) + 1);
  const forbidden = [...below, ...(EXTRA_FORBIDDEN[layer] ?? [])];
  const patterns = [];
  if (forbidden.length > 0) {
    patterns.push({
      regex: layerRegex(forbidden),
      message: `DESIGN.md layers: src/${layer} may not import from ${forbidden.join(', ')}.`,
    });
  }
  if (layer !== 'cli') patterns.push({ regex: '^commander$', message: 'Only src/cli imports commander.' });
  if (layer !== 'audio') patterns.push({ regex: '^wav-decoder$', message: 'Only src/audio imports wav-decoder.' });
  if (layer !== 'features') patterns.push({ regex: '^meyda', message: 'Only src/features imports meyda.' });
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'exp/**', 'data/**', 'bench/out/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (DESIGN.md).' },
        { selector: "CallExpression[callee.name='eval']", message: 'Data is never code.' },
      ],
    },
  },
  {
    files: ['src/errors.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\./', message: 'errors.ts imports nothing internal.' }] }] },
  },
  ...LAYERS.map(layerRule),
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
