// The JavaScript linter's configuration (ESLint; run by scripts/test.sh over static/ and qa/).
// The ruleset: ESLint's recommended set (which holds no-unused-vars), plus no function over
// 40 lines, counted as the Python's are. An immediately invoked function is a file's outer
// wrapper (the stub, snippet.js, the QA console's scripts) and does not count.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    rules: {
      'no-unused-vars': 'error',
      'max-lines-per-function': ['error', {max: 40, IIFEs: false}],
    },
  },
  {
    // The boot modules: ES modules, on the page, and boot-worker.mjs in the Web Worker.
    files: ['static/**/*.mjs'],
    languageOptions: {sourceType: 'module', globals: {...globals.browser, ...globals.worker}},
  },
  {
    // The stub, the snippet and the QA console: classic scripts on the page.
    files: ['static/**/*.js', 'qa/**/*.js'],
    languageOptions: {sourceType: 'script', globals: globals.browser},
  },
  {
    // The QA console drives the page's window.analytics, which the stub defines.
    files: ['qa/**/*.js'],
    languageOptions: {globals: {analytics: 'readonly'}},
  },
];
