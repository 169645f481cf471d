import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/** templates/new-service of this package, the template these tests run. */
export const newServiceTemplateDir = path.resolve(
  __dirname,
  '../../templates/new-service',
);

/**
 * The template and its files, as the scaffolder's dry-run API takes them:
 * template.yaml parsed, every other file (skeletons included) by its path.
 */
export function newServiceTemplateForDryRun() {
  const files = fs
    .readdirSync(newServiceTemplateDir, { recursive: true, encoding: 'utf8' })
    .filter(file => file !== 'template.yaml')
    .filter(file =>
      fs.statSync(path.join(newServiceTemplateDir, file)).isFile(),
    )
    .map(file => ({
      path: file.split(path.sep).join('/'),
      base64Content: fs
        .readFileSync(path.join(newServiceTemplateDir, file))
        .toString('base64'),
    }));
  return {
    template: yaml.parse(
      fs.readFileSync(
        path.join(newServiceTemplateDir, 'template.yaml'),
        'utf8',
      ),
    ),
    directoryContents: files,
  };
}
