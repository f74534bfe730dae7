/** Tests run from TypeScript sources; `npm test` type-checks first (tsc --noEmit), so ts-jest only transpiles. */
module.exports = {
  // Node's environment, sharing the main realm's typed arrays so onnxruntime-node works inside jest's sandbox.
  testEnvironment: '<rootDir>/test/helpers/ort-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // isolatedModules: ts-jest transpiles each file alone (fast); given as a compiler option, its non-deprecated place.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
