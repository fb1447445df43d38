/**
 * Lint rules: typescript-eslint's recommended set, React, hooks and jsx-a11y for the pages, and
 * the layering as import rules (routes → models → lib → db; components and the domain module stay
 * free of server code). tests/unit/layers.test.ts checks the same arrows over the whole import graph.
 */
import js from '@eslint/js'
import jsxA11y from 'eslint-plugin-jsx-a11y'
import react from 'eslint-plugin-react'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const serverOnly = {
  group: ['*.server', '*.server.*', '~/models/*', '#db/*', '**/db/*'],
  message: 'Components never import server code or the database.',
}

export default tseslint.config(
  {
    ignores: ['build/', 'server-build/', 'node_modules/', 'playwright-report/', 'test-results/', 'tests/.tmp/', 'bench/', 'db/migrations/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Every control-character pattern here is one that refuses or strips control characters.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['app/**/*.tsx'],
    plugins: { react, 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    settings: { react: { version: '18.3' } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs['jsx-runtime'].rules,
      // The rules of hooks and their dependencies; not the React Compiler's rules (no compiler here).
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      ...jsxA11y.configs.recommended.rules,
      'react/prop-types': 'off',
      // A scrollable table is a focusable region (role="region" with a label), so keyboard users can scroll it.
      'jsx-a11y/no-noninteractive-tabindex': ['error', { roles: ['region'] }],
    },
  },
  // Playwright's fixtures take their dependencies by destructuring, an empty pattern when there are none.
  { files: ['tests/e2e/**'], rules: { 'no-empty-pattern': 'off' } },
  {
    files: ['app/routes/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['#db/*', '**/db/*'], message: 'Routes reach the database through the models.' }] },
      ],
    },
  },
  { files: ['app/components/**'], rules: { 'no-restricted-imports': ['error', { patterns: [serverOnly] }] } },
  {
    files: ['app/lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['~/models/*', '../models/*', '~/routes/*', '../routes/*'],
              message: 'lib is infrastructure: it never imports models or routes.',
            },
          ],
        },
      ],
    },
  },
)
