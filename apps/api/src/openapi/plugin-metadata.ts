import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginMetadataPrinter } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-printer.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import ts from 'typescript';

/** Where the metadata goes, from the repository root; api's source root, so imports read `./x/x.dto`. */
export const PLUGIN_METADATA_PATH = 'apps/api/src/openapi-metadata.ts';
const SOURCE_ROOT = 'apps/api/src';
/** The one file that reaches every documented module: RuntimeModule's and the API's. */
const ENTRY = 'apps/api/src/openapi/docs-app.ts';

/** The @nestjs/swagger plugin's options, as `nest build` has them in nest-cli.json. */
function swaggerPluginOptions(root: string): Record<string, unknown> {
  const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
    compilerOptions: { plugins?: Array<string | { name: string; options?: Record<string, unknown> }> };
  };
  const plugin = cli.compilerOptions.plugins?.find((p) => typeof p !== 'string' && p.name === '@nestjs/swagger');
  if (!plugin || typeof plugin === 'string') throw new Error('nest-cli.json has no @nestjs/swagger plugin');
  return plugin.options ?? {};
}

/**
 * The source of apps/api/src/openapi-metadata.ts: what the @nestjs/swagger CLI plugin infers from
 * the DTOs and controllers (types, optionality, comments, class-validator rules). `nest build` runs
 * the plugin itself; Jest (swc) and ts-node do not, so the document loads this file instead.
 */
export function pluginMetadataSource(root: string): string {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([join(root, ENTRY)], { ...config.options, noEmit: true });
  const visitor = new ReadonlyVisitor({ ...swaggerPluginOptions(root), pathToSource: join(root, SOURCE_ROOT) });
  // What PluginMetadataGenerator does with a program, without its type-checker host (ESM-only deps).
  for (const file of program.getSourceFiles()) if (!file.isDeclarationFile) visitor.visit(program, file);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-openapi-'));
  try {
    new PluginMetadataPrinter().print(
      { [visitor.key]: visitor.collect() },
      visitor.typeImports,
      { outputDir: dir, filename: 'openapi-metadata.ts' },
      ts,
    );
    return readFileSync(join(dir, 'openapi-metadata.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
