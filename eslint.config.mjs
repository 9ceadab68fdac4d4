// Lint: strict TypeScript rules plus Nx module boundaries, so the dependency
// direction of DESIGN.md §8 (apps → libs; schema ← core ← adapter) is enforced.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', '**/dist/**', '.nx/**', '**/*.generated.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:schema', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:schema', 'type:core'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:schema', 'type:core'] },
            // Services compose adapters into something runnable (a worker, the API),
            // so the standalone apps and the all-in-one `mcpg up` share them.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:schema', 'type:core', 'type:adapter'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:schema', 'type:core', 'type:adapter', 'type:service'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
);
